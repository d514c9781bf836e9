from datetime import date
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline
from common.admin_lists import LargeListMixin, email_search, exact_search
from console.shopper_link import ViewAsShopperMixin
from orders.models import ConsentRecord, ConsentSource, Customer, Order, OrderLine, Product
from orders.services import FLAG_OF_CHANNEL, consent_record


class OrderLineInline(BrandScopedTabularInline):
    model = OrderLine
    extra = 0
    fields = ("product", "title", "quantity", "unit_price")
    readonly_fields = ("product", "title", "quantity", "unit_price")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AskedFilter(admin.SimpleListFilter):
    """Orders a shopper opened a support case about, or not: the dashboard's "never asked" figure."""

    title = "shopper asked"
    parameter_name = "asked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Opened a case"), ("no", "Never asked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        # Cases belong to customer care, which builds on orders: looked up by name, not imported.
        case_model = apps.get_model("support", "Case")
        asked = Exists(case_model.objects.filter(order_id=OuterRef("id")))
        if self.value() == "yes":
            return queryset.filter(asked)
        if self.value() == "no":
            return queryset.filter(~asked)
        return queryset


class TrackingPageViewedFilter(admin.SimpleListFilter):
    """Orders whose tracking page was opened on days FIRST..LAST: what the dashboard's page views link to.

    Offered only when a link asks for it, as its value is a range of days rather than a fixed choice.
    """

    title = "tracking page viewed"
    parameter_name = "viewed"

    def _days(self) -> tuple[date, date] | None:
        first, _, last = (self.value() or "").partition("..")
        try:
            return date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            return None

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        days = self._days()
        if days is None:
            return [(str(self.value()), "No such days")] if self.value() else []
        return [(str(self.value()), f"{days[0]:%d %b %Y} – {days[1]:%d %b %Y}")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if not self.value():
            return queryset
        days = self._days()
        if days is None:
            return queryset.none()
        # Page views belong to tracking, which builds on orders: looked up by name, not imported.
        views = apps.get_model("tracking", "TrackingPageView").objects
        return queryset.filter(
            Exists(views.filter(order_id=OuterRef("id"), day__gte=days[0], day__lte=days[1]))
        )


@admin.register(Order)
class OrderAdmin(ViewAsShopperMixin, LargeListMixin, BrandScopedAdmin):
    page_key_field = "tracking_token"
    list_display = ("number", "brand", "customer", "placed_at", "total", "currency", "shipping_country")
    list_filter = (
        "brand",
        AskedFilter,
        TrackingPageViewedFilter,
        "currency",
        "shipping_country",
        "source",
        "placed_at",
    )
    # Search: the order number, the store's order id, or the shopper's email; each exact.
    indexed_search = (exact_search("number"), exact_search("external_id"), email_search("customer"))
    list_select_related = ("brand", "customer")
    raw_id_fields = ("customer",)
    inlines = (OrderLineInline,)
    readonly_fields = ("brand", "external_id", "tracking_token", "source", "created_at", "updated_at")


class ConsentRecordInline(BrandScopedTabularInline):
    """Consent history: what was said, by whom, when; read-only, as evidence must be."""

    model = ConsentRecord
    extra = 0
    fields = ("occurred_at", "channel", "granted", "source", "applied", "detail")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "consent history"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Customer)
class CustomerAdmin(LargeListMixin, BrandScopedAdmin):
    list_display = ("email", "first_name", "last_name", "brand", "phone", "locale", "sms_consent")
    list_filter = ("brand", "locale", "marketing_consent", "sms_consent")
    # Search: the email or the store's customer id; each exact.
    indexed_search = (email_search(""), exact_search("external_id"))
    list_select_related = ("brand",)
    inlines = (ConsentRecordInline,)

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        """Consent ticked or unticked here is the merchant's statement, weighed by the consent rule."""
        flags = {channel: flag for channel, flag in FLAG_OF_CHANNEL.items() if flag in form.changed_data}
        stored = (
            Customer.objects.filter(pk=obj.pk).values(*FLAG_OF_CHANNEL.values()).first() if change else None
        )
        said = {channel: bool(getattr(obj, flag)) for channel, flag in flags.items()}
        for flag in FLAG_OF_CHANNEL.values():
            setattr(obj, flag, bool(stored and stored[flag]))
        super().save_model(request, obj, form, change)
        for channel, granted in said.items():
            outcome = consent_record(
                customer_id=obj.pk,
                channel=channel,
                granted=granted,
                source=ConsentSource.MERCHANT,
                detail=f"admin, {request.user}",
            )
            setattr(obj, FLAG_OF_CHANNEL[channel], outcome.granted)
            if granted and not outcome.granted:
                self.message_user(
                    request,
                    f"{channel.upper()} consent stays off: the shopper withdrew it themselves, and only "
                    "the shopper can opt in again.",
                    level=messages.WARNING,
                )


@admin.register(Product)
class ProductAdmin(BrandScopedAdmin):
    list_display = ("title", "sku", "brand", "category", "price", "currency", "returnable", "in_stock")
    list_filter = ("brand", "category", "returnable", "in_stock")
    search_fields = ("title", "sku")
    list_select_related = ("brand",)
