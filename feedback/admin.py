"""Feedback in the admin: ratings with the brand's figures on top, NPS answers, settings."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin
from brands.models import Brand
from brands.selectors import brand_ids_for_user
from common.numbers import is_plain_number
from common.settings_forms import settings_form
from feedback import selectors
from feedback.models import DeliveryRating, FeedbackSettings, NpsRequest


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = settings_form(FeedbackSettings)
    list_display = (
        "brand",
        "nps_enabled",
        "nps_delay_days",
        "thank_you_coupon",
        "coupon_percent",
        "csat_change_hours",
    )


def _figures_brand(request: HttpRequest) -> Brand | None:
    """The brand whose figures to show: the one filtered on, or the user's only brand."""
    allowed = brand_ids_for_user(user=request.user)
    wanted = request.GET.get("brand__id__exact", "")
    if is_plain_number(wanted) and (allowed is None or int(wanted) in allowed):
        return Brand.objects.filter(id=int(wanted)).first()
    if allowed is not None and len(allowed) == 1:
        return Brand.objects.filter(id=next(iter(allowed))).first()
    return None


@admin.register(DeliveryRating)
class DeliveryRatingAdmin(BrandScopedAdmin):
    list_display = ("created_at", "score", "short_comment", "order", "shipment", "locale", "brand")
    list_filter = ("score", "locale", "brand")
    search_fields = ("comment", "order__number", "shipment__tracking_number")
    list_select_related = ("order", "shipment", "brand")
    readonly_fields = (
        "brand",
        "shipment",
        "order",
        "customer",
        "score",
        "comment",
        "locale",
        "created_at",
        "updated_at",
    )
    date_hierarchy = "created_at"

    @admin.display(description="comment")
    def short_comment(self, obj: DeliveryRating) -> str:
        return obj.comment[:80] + ("…" if len(obj.comment) > 80 else "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        brand = _figures_brand(request)
        figures = selectors.feedback_figures(brand=brand) if brand is not None else None
        return super().changelist_view(
            request, {**(extra_context or {}), "figures": figures, "figures_brand": brand}
        )


@admin.register(NpsRequest)
class NpsRequestAdmin(BrandScopedAdmin):
    list_display = ("created_at", "order", "score", "answered_at", "short_comment", "coupon_code", "brand")
    list_filter = ("score", "brand")
    search_fields = ("comment", "order__number")
    list_select_related = ("order", "brand")
    readonly_fields = (
        "brand",
        "order",
        "customer",
        "token",
        "delivered_on",
        "created_at",
        "score",
        "comment",
        "locale",
        "answered_at",
        "coupon_code",
    )

    @admin.display(description="comment")
    def short_comment(self, obj: NpsRequest) -> str:
        return obj.comment[:80] + ("…" if len(obj.comment) > 80 else "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
