"""Loyalty in the admin: programme and tiers, members and balances, the ledger (staff add adjustments
with a reason; nothing is edited or deleted), codes, referrals and the growth figures page."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline, scope_to_user
from brands.selectors import brand_ids_for_user
from common.settings_forms import settings_form
from loyalty import figures, services
from loyalty.forms import LoyaltyTierForm
from loyalty.models import (
    DiscountCode,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyProgramme,
    LoyaltyTier,
    Referral,
)


@admin.register(LoyaltyProgramme)
class LoyaltyProgrammeAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = settings_form(LoyaltyProgramme)
    list_display = (
        "brand",
        "active",
        "points_per_unit",
        "rounding",
        "point_value",
        "currency",
        "expiry_months",
    )

    def get_urls(self) -> list[Any]:
        own = [path("figures/", self.admin_site.admin_view(self.figures_view), name="loyalty_figures")]
        return own + super().get_urls()

    def figures_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids = brand_ids_for_user(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": "Growth figures",
            "loyalty": figures.loyalty_figures(brand_ids=ids),
            "offers": _offer_figures(ids),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/loyalty/figures.html", context)


def _offer_figures(brand_ids: set[int] | None) -> Any:
    try:
        from offers.selectors import block_figures
    except ImportError:
        return []
    return block_figures(brand_ids=brand_ids)


@admin.register(LoyaltyTier)
class LoyaltyTierAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = LoyaltyTierForm
    list_display = ("name", "brand", "min_points", "perks")
    list_filter = ("brand",)


class LedgerInline(BrandScopedTabularInline):
    model = LedgerEntry
    fields = ("created_at", "kind", "points", "balance_after", "reason", "created_by")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("created_by")


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(BrandScopedAdmin):
    list_display = ("customer", "brand", "balance", "referral_code", "last_activity_at")
    list_filter = ("brand",)
    search_fields = ("customer__email", "customer__last_name", "referral_code")
    list_select_related = ("customer", "brand")
    readonly_fields = ("brand", "customer", "balance", "referral_code", "last_activity_at", "created_at")
    inlines = (LedgerInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdjustmentForm(forms.ModelForm):  # type: ignore[type-arg]
    points = forms.IntegerField(help_text="Positive to add, negative to take away.")
    reason = forms.CharField(max_length=200, required=True, help_text="Required: why the balance changes.")

    class Meta:
        model = LedgerEntry
        fields = ("account", "points", "reason")

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the points are adjusted.")
        return reason

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account, points = data.get("account"), data.get("points")
        if points == 0:
            self.add_error("points", "Use a number other than 0.")
        elif account is not None and points is not None and account.balance + points < 0:
            self.add_error("points", f"The balance is {account.balance}: it cannot go below zero.")
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(BrandScopedAdmin):
    """Append-only: staff add adjustments; no entry is ever changed or deleted."""

    list_display = ("created_at", "account", "kind", "points", "balance_after", "reason", "created_by")
    list_filter = ("kind", "brand")
    search_fields = ("account__customer__email", "reason", "source_key")
    list_select_related = ("account__customer", "created_by")
    form = AdjustmentForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (
            "account",
            "kind",
            "points",
            "balance_after",
            "reason",
            "source_key",
            "order",
            "created_by",
            "created_at",
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("account", "points", "reason")
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "account" and field is not None:
            field.queryset = scope_to_user(LoyaltyAccount.objects.select_related("customer"), request)
        return field

    def save_model(self, request: HttpRequest, obj: LedgerEntry, form: Any, change: bool) -> None:
        try:
            entry = services.points_adjust(
                customer_id=form.cleaned_data["account"].customer_id,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                actor_id=request.user.pk,
            )
        except services.LoyaltyError as exc:
            messages.error(request, str(exc))
            raise PermissionDenied(str(exc)) from exc
        # The admin logs and redirects with the object: hand it the entry the service wrote.
        obj.pk, obj.kind, obj.points = entry.pk, entry.kind, entry.points


@admin.register(DiscountCode)
class DiscountCodeAdmin(BrandScopedAdmin):
    list_display = (
        "code",
        "brand",
        "purpose",
        "kind",
        "value",
        "currency",
        "status",
        "issued_at",
        "redeemed_at",
        "redeemed_order_total",
    )
    list_filter = ("purpose", "status", "brand")
    search_fields = ("code", "customer__email", "redeemed_order_ref")
    list_select_related = ("brand",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in DiscountCode._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Referral)
class ReferralAdmin(BrandScopedAdmin):
    list_display = ("referrer", "friend_email", "status", "refusal", "created_at", "rewarded_at")
    list_filter = ("status", "brand")
    search_fields = ("referrer__email", "friend_email")
    list_select_related = ("referrer",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in Referral._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
