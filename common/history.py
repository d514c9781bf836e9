"""Who a change history row names: a staff member, never an API key's brand or an anonymous shopper."""

from typing import Any

from django.contrib.auth import get_user_model


def staff_history_user(request: Any = None, **kwargs: Any) -> Any:
    """The logged-in user of the request that made the change, or None (API keys, shoppers, tasks)."""
    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None
