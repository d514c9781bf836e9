"""DRF authentication: `Authorization: Bearer <key>` scoped to exactly one brand."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from brands import selectors, services
from brands.models import ApiKey, Brand


class BrandPrincipal:
    """Stands in for `request.user` on API calls: the brand the key belongs to."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, brand: Brand) -> None:
        self.brand = brand

    def __str__(self) -> str:
        return f"api:{self.brand.slug}"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[BrandPrincipal, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode("latin-1").lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(_("Use the Authorization: Bearer <key> scheme."))
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid Authorization header: one key expected."))
        try:
            raw_key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from exc
        api_key = selectors.api_key_authenticate(raw_key=raw_key)
        if api_key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        services.api_key_touch(api_key=api_key)
        return BrandPrincipal(api_key.brand), api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class HasBrandApiKey(BasePermission):
    message = _("An API key is required: Authorization: Bearer <key>.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, BrandPrincipal)


def request_brand(request: Request) -> Brand:
    """The brand the authenticated API key belongs to."""
    principal = request.user
    if not isinstance(principal, BrandPrincipal):
        raise exceptions.NotAuthenticated()
    return principal.brand


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "brands.authentication.ApiKeyAuthentication"
    name = "BrandApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "Per-brand API key."}
