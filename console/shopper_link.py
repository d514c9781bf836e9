"""A "View as shopper" link on every order and shipment: the real tracking page, not counted as a view."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.urls import staff_view_url

FIELD = "view_as_shopper"


class ViewAsShopperMixin:
    """Mix into an admin whose rows have `brand` and a page token (`page_key_field`)."""

    page_key_field = "token"

    @admin.display(description=_("Shopper's page"))
    def view_as_shopper(self, obj: Any) -> str:
        token = getattr(obj, self.page_key_field, "") if obj is not None else ""
        if not token or obj.brand_id is None:
            return "—"
        return format_html(
            '<a class="underline" href="{}" target="_blank" rel="noopener">{}</a>',
            staff_view_url(brand_slug=obj.brand.slug, token=token),
            _("View as shopper"),
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = tuple(super().get_list_display(request))  # type: ignore[misc]
        return shown if FIELD in shown else (*shown, FIELD)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        return readonly if FIELD in readonly else (*readonly, FIELD)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        if obj is None:
            return [name for name in fields if name != FIELD]
        return [FIELD, *(name for name in fields if name != FIELD)]  # first: what staff reach for
