from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from brands.admin_scope import BrandScopedAdmin
from brands.models import ApiKey, Brand, IntegrationSecret, Membership
from brands.staff_forms import StaffLoginForm

# The admin login also asks staff who turned two-factor codes on for their current code.
admin.site.login_form = StaffLoginForm
admin.site.login_template = "brands/staff/login.html"


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

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

    # Owners manage their team on the team page (brands.staff_views), which invites by email and keeps
    # the last owner; here the user field would list every account of the deployment.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(IntegrationSecret)
class IntegrationSecretAdmin(BrandScopedAdmin):
    list_display = ("brand", "provider", "updated_at")
    list_select_related = ("brand",)
    exclude = ("secret",)
    readonly_fields = ("brand", "provider", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # set with `manage.py set_webhook_secret`, never shown


@admin.register(ApiKey)
class ApiKeyAdmin(BrandScopedAdmin):
    list_display = ("brand", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("brand",)
    readonly_fields = ("brand", "prefix", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with `manage.py create_api_key`, shown once
