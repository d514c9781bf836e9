"""Admin permissions that follow the role a staff member holds in each brand.

A role is not a global group: the owner of brand A who supports brand B may change A's rows and only
read B's. `BrandRoleBackend.has_perm(user, perm, obj)` answers from the role of the user's membership
in obj's brand; with no obj it answers "some brand of theirs grants it" (what the admin asks to show
a list or an add button), unless the caller pinned one brand with `acting_in_brand` — as the admin
does while an action runs on the rows of one brand.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_permission_codename
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from brands.models import Brand, Membership

_ROLES_CACHE = "_brand_roles_cache"
_TWO_FACTOR_CACHE = "_brand_two_factor_cache"
_PINNED_BRAND = "_permission_brand_id"


def role_permission_names(*, role: str) -> frozenset[str]:
    """The "app_label.codename" permissions a role grants; ROLE_PERMISSIONS is the only source."""
    from brands.services import ROLE_PERMISSIONS

    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codenames in ROLE_PERMISSIONS.get(role, {}).items()
        for codename in codenames
    )


def roles_granting(perm: str) -> frozenset[str]:
    """The roles whose holders may use `perm` ("app_label.codename") in their brand."""
    from brands.services import ROLE_PERMISSIONS

    return frozenset(role for role in ROLE_PERMISSIONS if perm in role_permission_names(role=role))


def roles_by_brand(user: Any) -> dict[int, str]:
    """{brand_id: role} for a user's memberships, read once per user object."""
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        # The same read tells which of these brands require two-factor codes: no query of its own.
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "brand_id", "role", "brand__team_policy__two_factor_required"
        )
        cached = {brand_id: role for brand_id, role, _required in rows}
        setattr(user, _ROLES_CACHE, cached)
        setattr(user, _TWO_FACTOR_CACHE, any(required for _brand_id, _role, required in rows))
    return cached


def two_factor_required_of(user: Any) -> bool:
    """Whether a brand this user works for requires two-factor codes of its staff."""
    roles_by_brand(user)
    return bool(getattr(user, _TWO_FACTOR_CACHE, False))


def forget_roles(user: Any) -> None:
    """Drop the cached roles (after a membership of this very user object changed)."""
    for name in (_ROLES_CACHE, _TWO_FACTOR_CACHE, "_brand_ids_cache"):
        if hasattr(user, name):
            delattr(user, name)


def brand_id_of(obj: Any) -> int | None:
    """The id of the brand a model instance belongs to, or None for rows that belong to no brand."""
    if isinstance(obj, Brand):
        return obj.pk
    if not isinstance(obj, models.Model):
        return None
    from brands.admin_scope import brand_lookup

    lookup = brand_lookup(type(obj))
    if lookup is None:
        return None
    current: Any = obj
    parts = lookup.split("__")
    for part in parts[:-1]:
        current = getattr(current, part, None)
        if current is None:
            return None
    value = getattr(current, parts[-1], None)
    return value if isinstance(value, int) else None


def brand_ids_granting(user: Any, perm: str) -> set[int] | None:
    """The brands in which a user may use `perm`; None means every brand (superuser)."""
    if not getattr(user, "is_active", False):
        return set()
    if getattr(user, "is_superuser", False):
        return None
    direct = perm in ModelBackend().get_user_permissions(user)
    return {
        brand_id
        for brand_id, role in roles_by_brand(user).items()
        if direct or perm in role_permission_names(role=role)
    }


@contextmanager
def acting_in_brand(user: Any, brand_id: int) -> Iterator[None]:
    """Within the block, permission checks without an object answer for this one brand."""
    previous = getattr(user, _PINNED_BRAND, None)
    setattr(user, _PINNED_BRAND, brand_id)
    try:
        yield
    finally:
        setattr(user, _PINNED_BRAND, previous)


class BrandRoleBackend(BaseBackend):
    """Grants what the user's role allows in the brand of the object asked about; authenticates no one."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or user_obj.pk is None:
            return set()
        roles = roles_by_brand(user_obj)
        brand_id = brand_id_of(obj) if obj is not None else getattr(user_obj, _PINNED_BRAND, None)
        if brand_id is None and obj is not None and not isinstance(obj, models.Model):
            return set()
        if brand_id is None:
            granted: set[str] = set()
            for held in roles.values():
                granted |= role_permission_names(role=held)
            return granted
        role = roles.get(brand_id)
        if role is None:
            return set()
        # Permissions a superuser gave this user directly hold in each of their brands, never outside.
        return set(role_permission_names(role=role)) | ModelBackend().get_user_permissions(user_obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))


class BrandRolePermissionsMixin:
    """A row is changed, deleted or acted on only if the role held in the row's own brand allows it.

    Without a row the admin asks "may they in some brand?" (lists, add buttons); with one it asks the
    role of that row's brand, and an action runs brand by brand with the role of each.
    """

    def _may(self, request: HttpRequest, action: str, obj: Any) -> bool:
        if obj is None:
            return True
        if not isinstance(obj, models.Model):  # unfold's detail actions pass the object id
            get_object = getattr(self, "get_object", None)
            obj = get_object(request, str(obj)) if get_object is not None else None
            if obj is None:
                return False
        opts = self.opts  # type: ignore[attr-defined]
        if opts.auto_created:
            return True
        codename = get_permission_codename(action, opts)
        return bool(request.user.has_perm(f"{opts.app_label}.{codename}", obj))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        may = super().has_view_permission(request, obj)  # type: ignore[misc]
        return bool(may) and (self._may(request, "view", obj) or self._may(request, "change", obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        may = super().has_change_permission(request, obj)  # type: ignore[misc]
        return bool(may) and self._may(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        may = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return bool(may) and self._may(request, "delete", obj)

    def has_add_permission(self, request: HttpRequest, *args: Any, **kwargs: Any) -> bool:
        # An inline is asked with its parent row: rows added under it land in the parent's brand.
        may = super().has_add_permission(request, *args, **kwargs)  # type: ignore[misc]
        parent = args[0] if args else kwargs.get("obj")
        return bool(may) and self._may(request, "add", parent)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form may have moved the row to another of the user's brands: the role there decides.
        if brand_id_of(obj) is not None and not self._may(request, "change" if change else "add", obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        from brands.admin_scope import brand_lookup

        actions = super().get_actions(request)  # type: ignore[misc]
        lookup = brand_lookup(self.model)  # type: ignore[attr-defined]
        if lookup is None or request.user.is_superuser:
            return actions  # type: ignore[no-any-return]
        return {
            name: (_brand_by_brand(func, lookup), action_name, description)
            for name, (func, action_name, description) in actions.items()
        }


def _brand_by_brand(func: Callable[..., Any], lookup: str) -> Callable[..., Any]:
    """Run an admin action once per brand of the selected rows, each under the role held there."""

    @functools.wraps(func)
    def run(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        brand_ids = sorted(queryset.order_by().values_list(lookup, flat=True).distinct())
        response = None
        for brand_id in brand_ids:
            with acting_in_brand(request.user, brand_id):
                if not all(
                    getattr(modeladmin, f"has_{permission}_permission")(request)
                    for permission in getattr(func, "allowed_permissions", ())
                ):
                    continue
                response = func(modeladmin, request, queryset.filter(**{lookup: brand_id}))
            if response is not None:
                return response
        return response

    return run
