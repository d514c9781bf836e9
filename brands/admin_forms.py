"""Settings forms in the admin learn which brands the staff member may draw choices from."""

from typing import Any

from django.http import HttpRequest

from brands.selectors import brand_ids_for_user


class BrandDataFormAdmin:
    """Put before BrandScopedAdmin on admins whose form is a common.settings_forms.SettingsForm."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        # get_form builds a new class on every call, so this never leaks into another request.
        form.brand_ids = brand_ids_for_user(user=request.user)
        return form
