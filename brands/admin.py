from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from brands.admin_scope import BrandScopedAdmin
from brands.models import ApiKey, Brand, IntegrationSecret, Membership
from brands.selectors import may_manage_connections


@admin.register(Brand)
class BrandAdmin(BrandScopedAdmin):
    list_display = ("name", "slug", "default_locale", "timezone", "custom_domain")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "custom_domain")}),
        ("Look", {"fields": ("logo", "primary_colour", "accent_colour", "font")}),
        ("Languages and time", {"fields": ("default_locale", "enabled_locales", "timezone")}),
        ("Support contact", {"fields": ("support_email", "support_phone")}),
        (
            "Senders",
            {
                "fields": (
                    "sms_from_number",
                    "sms_messaging_service_sid",
                    "email_from_name",
                    "email_from_address",
                )
            },
        ),
    )

    actions_detail = ("open_connections",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_manage_connections_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if object_id is None or not str(object_id).isdigit():
            return False
        return may_manage_connections(user=request.user, brand_id=int(object_id))

    @action(
        description=_("Connections: webhooks and API keys"),
        url_path="connections",
        permissions=["manage_connections"],
        icon="cable",
    )
    def open_connections(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        return redirect("console-connections", brand_id=int(object_id))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if request.user.is_superuser else ("slug", "custom_domain")

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Sequence[str]]:
        # The slug is in every shopper link: only a superuser sets it, and only when adding a brand.
        return {"slug": ("name",)} if request.user.is_superuser and obj is None else {}


@admin.register(Membership)
class MembershipAdmin(BrandScopedAdmin):
    list_display = ("user", "brand", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user", "brand")


@admin.register(IntegrationSecret)
class IntegrationSecretAdmin(BrandScopedAdmin):
    list_display = ("brand", "provider", "updated_at")
    list_select_related = ("brand",)
    exclude = ("secret", "previous_secret")
    readonly_fields = ("brand", "provider", "updated_at", "previous_valid_until")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set on the brand's Connections page or `manage.py set_webhook_secret`, never shown


@admin.register(ApiKey)
class ApiKeyAdmin(BrandScopedAdmin):
    list_display = ("brand", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("brand",)
    readonly_fields = ("brand", "prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued on the brand's Connections page or `manage.py create_api_key`, shown once
