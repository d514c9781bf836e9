from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline
from common.admin_lists import LargeListMixin, email_search, exact_search
from common.settings_forms import settings_form
from console.shopper_link import ViewAsShopperMixin
from tracking import simulation, webhooks
from tracking.models import (
    InboundWebhook,
    ReactionFailure,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingSettings,
    WebhookResult,
)
from tracking.numbers import tracking_number_key
from tracking.selectors import DeliveryOutcome, delivery_outcome_q, with_delivery_promise


def tracking_number_search(term: str, brand_ids: set[int]) -> Q | None:
    """A parcel by its number in any spelling ('1z 999-aa1' finds 1Z999AA1), through the key's index."""
    key = tracking_number_key(term)
    return Q(brand_id__in=brand_ids, tracking_key=key) if key else None


SIMULATE_AT_MOST = 100


def demo_mode() -> bool:
    """Whether this deployment is a demo (DEBUG or DEMO_MODE), where fake carrier scans are welcome."""
    return bool(settings.DEBUG or settings.DEMO_MODE)


class AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("late", "Late (EDD passed)"),
            ("stuck", "Stuck (no scan)"),
            ("problem", "Exception or failed"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
        if self.value() == "late":
            return queryset.filter(late_since__isnull=False, delivered_at__isnull=True)
        if self.value() == "stuck":
            return queryset.filter(stuck_since__isnull=False, delivered_at__isnull=True)
        if self.value() == "problem":
            return queryset.filter(status__in=["exception", "failed_attempt", "returned_to_sender"])
        return queryset


class DeliveryOutcomeFilter(admin.SimpleListFilter):
    """On time, late or stuck, as the dashboard counts them (days in the admin's time zone)."""

    title = "delivery"
    parameter_name = "outcome"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in DeliveryOutcome.CHOICES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
        value = self.value()
        if not value:
            return queryset
        if value not in {choice for choice, _ in DeliveryOutcome.CHOICES}:
            return queryset.none()
        annotated = with_delivery_promise(queryset, zone=timezone.get_current_timezone())
        return annotated.filter(delivery_outcome_q(value))


class UnmatchedFilter(admin.SimpleListFilter):
    title = "unmatched"
    parameter_name = "unmatched"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("waiting", "Still unmatched (retried)"),
            ("expired", "Unmatched for too long (no longer retried)"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[InboundWebhook]) -> QuerySet[InboundWebhook]:
        if self.value() == "waiting":
            return queryset.filter(result=WebhookResult.UNMATCHED)
        if self.value() == "expired":
            return queryset.filter(result=WebhookResult.UNMATCHED_EXPIRED)
        return queryset


class ShipmentLineInline(BrandScopedTabularInline):
    model = ShipmentLine
    extra = 0
    readonly_fields = ("order_line", "quantity")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TrackingEventInline(BrandScopedTabularInline):
    model = TrackingEvent
    extra = 0
    fields = ("occurred_at", "status", "detail", "message", "location", "source", "received_at")
    readonly_fields = fields
    can_delete = False
    ordering = ("-occurred_at",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(ViewAsShopperMixin, LargeListMixin, BrandScopedAdmin):
    list_display = (
        "tracking_number",
        "carrier_name",
        "order",
        "brand",
        "status",
        "estimated_delivery",
        "last_event_at",
    )
    # The newest parcels are the ones asked about; late and stuck ones are a filter away (Attention).
    ordering = ("-created_at", "-id")
    list_filter = (
        AttentionFilter,
        DeliveryOutcomeFilter,
        "status",
        "direction",
        "carrier_code",
        "brand",
        "created_at",
    )
    # Search: the tracking number (any spelling), the order number, or the shopper's email; each exact.
    indexed_search = (
        tracking_number_search,
        exact_search("order__number", brand_path="order__brand_id"),
        email_search("order__customer"),
    )
    list_select_related = ("order", "brand")
    inlines = (ShipmentLineInline, TrackingEventInline)
    readonly_fields = (
        "brand",
        "order",
        "direction",
        "status",
        "status_detail",
        "status_changed_at",
        "last_event_at",
        "shipped_at",
        "delivered_at",
        "estimated_delivery",
        "estimated_delivery_latest",
        "estimated_delivery_source",
        "late_since",
        "stuck_since",
        "token",
        "source",
        "external_id",
    )
    fields = ("carrier_code", "carrier_name", "tracking_number", "carrier_tracking_url", *readonly_fields)
    actions = ("simulate_scan",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # shipments come from the store, the carriers or the API

    def save_model(self, request: HttpRequest, obj: Shipment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "tracking_number" in form.changed_data:
            # A corrected number may be the one carrier calls were waiting for.
            webhooks.unmatched_webhooks_reprocess(brand_id=obj.brand_id, tracking_number=obj.tracking_number)

    def has_simulate_permission(self, request: HttpRequest) -> bool:
        # A simulated scan is a real status change: the shopper is messaged, points may be earned.
        # Only a superuser of a demo deployment may fake one, never brand staff on live orders.
        return bool(request.user.is_active and request.user.is_superuser and demo_mode())

    @admin.action(description="Simulate the next carrier scan (demo)", permissions=["simulate"])
    def simulate_scan(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> TemplateResponse | None:
        shipments = list(queryset.select_related("brand", "order").order_by("id")[:SIMULATE_AT_MOST])
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/tracking/shipment/simulate_scan_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Simulate the next carrier scan?",
                    "opts": self.opts,
                    "shipments": [
                        (shipment, simulation.NEXT_SCAN.get(shipment.status)) for shipment in shipments
                    ],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        moved = 0
        for shipment in shipments:
            if simulation.shipment_simulate_scan(shipment_id=shipment.id, location="Demo hub"):
                moved += 1
        self.message_user(request, f"{moved} shipment(s) moved on.", messages.SUCCESS)
        return None


@admin.register(InboundWebhook)
class InboundWebhookAdmin(LargeListMixin, BrandScopedAdmin):
    list_display = (
        "received_at",
        "provider",
        "topic",
        "brand",
        "tracking_number",
        "signature_valid",
        "result",
        "reason",
    )
    list_filter = (UnmatchedFilter, "provider", "result", "signature_valid", "brand", "received_at")
    # Search: the tracking number (any spelling) or the provider's delivery id; each exact.
    indexed_search = (tracking_number_search, exact_search("delivery_id"))
    list_select_related = ("brand",)
    readonly_fields = (
        "brand",
        "provider",
        "topic",
        "delivery_id",
        "tracking_number",
        "headers",
        "body",
        "body_truncated",
        "body_size",
        "body_purged_at",
        "signature_valid",
        "result",
        "error",
        "received_at",
        "processed_at",
    )
    actions = ("reprocess",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="why")
    def reason(self, webhook: InboundWebhook) -> str:
        return webhook.error[:120]

    def has_reprocess_permission(self, request: HttpRequest) -> bool:
        # Re-processing moves shipments and messages shoppers: it takes the change permission,
        # even though nobody edits a stored webhook by hand (has_change_permission stays False).
        codename = get_permission_codename("change", self.opts)
        return bool(request.user.has_perm(f"{self.opts.app_label}.{codename}"))

    @admin.action(description="Re-process the selected webhooks", permissions=["reprocess"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundWebhook]) -> None:
        done, skipped = 0, 0
        for webhook_id, valid in queryset.values_list("id", "signature_valid")[:500]:
            if not valid:
                skipped += 1
                continue
            webhooks.inbound_webhook_process(webhook_id=webhook_id)
            done += 1
        self.message_user(
            request,
            f"Re-processed {done} webhook(s) at {timezone.localtime():%H:%M:%S %Z}; skipped {skipped} unsigned.",
            messages.SUCCESS,
        )


@admin.register(TrackingSettings)
class TrackingSettingsAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = settings_form(TrackingSettings)
    list_display = ("brand", "stuck_after_hours", "late_after_days")
    list_select_related = ("brand",)


@admin.register(ReactionFailure)
class ReactionFailureAdmin(BrandScopedAdmin):
    """Reactions of other apps that failed on a shipment change; retried with backoff."""

    list_display = (
        "created_at",
        "reaction",
        "kind",
        "shipment",
        "attempts",
        "next_attempt_at",
        "resolved_at",
    )
    list_filter = ("kind", "reaction")
    list_select_related = ("shipment",)
    readonly_fields = (
        "reaction",
        "kind",
        "shipment",
        "payload",
        "error",
        "attempts",
        "next_attempt_at",
        "resolved_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
