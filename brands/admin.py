from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin
from brands.forms import BrandForm
from brands.models import ApiKey, Brand, IntegrationSecret, Membership
from brands.selectors import may_manage_connections
from brands.staff_forms import StaffLoginForm
from common.numbers import is_plain_number

# The admin login also asks staff who turned two-factor codes on for their current code.
admin.site.login_form = StaffLoginForm
admin.site.login_template = "brands/staff/login.html"


@admin.register(Brand)
class BrandAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = BrandForm
    list_display = ("name", "slug", "default_locale", "timezone", "custom_domain")
    search_fields = ("name", "slug")
    fieldsets = (
        (None, {"fields": ("name", "slug", "custom_domain")}),
        # The look is edited as a draft on its own page (see console/brand_look.py), never here.
        ("Look", {"fields": ("look_summary",)}),
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

    actions_detail = ("edit_look", "open_connections")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_manage_connections_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if object_id is None or not is_plain_number(str(object_id)):
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
        return ("look_summary",) if request.user.is_superuser else ("look_summary", "slug", "custom_domain")

    @admin.display(description=_("Published look"))
    def look_summary(self, obj: Brand) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;background:{};vertical-align:middle">'
            '</span> {} · <span style="display:inline-block;width:1em;height:1em;background:{};'
            'vertical-align:middle"></span> {} · {} · <a class="underline" href="{}">{}</a>',
            obj.primary_colour,
            obj.primary_colour,
            obj.accent_colour,
            obj.accent_colour,
            obj.get_font_display(),
            reverse("admin:brands_brand_look", args=[obj.pk]),
            _("Edit the look with a preview"),
        )

    @action(description=_("Brand look"), url_path="look-link", permissions=["change"])
    def edit_look(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return redirect("admin:brands_brand_look", object_id)

    def get_urls(self) -> list[URLPattern]:
        from console import brand_look

        view = self.admin_site.admin_view
        return [
            path(
                "look/",
                view(lambda request: brand_look.look_start(self, request)),
                name="brands_brand_look_start",
            ),
            path(
                "<path:object_id>/look/",
                view(lambda request, object_id: brand_look.look_page(self, request, object_id)),
                name="brands_brand_look",
            ),
            path(
                "<path:object_id>/look/preview/",
                view(lambda request, object_id: brand_look.look_preview_fragment(self, request, object_id)),
                name="brands_brand_look_preview",
            ),
            *super().get_urls(),
        ]

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
