from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline
from tracking import simulation, webhooks
from tracking.models import InboundWebhook, Shipment, ShipmentLine, TrackingEvent, TrackingSettings


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
class ShipmentAdmin(BrandScopedAdmin):
    list_display = (
        "tracking_number",
        "carrier_name",
        "order",
        "brand",
        "status",
        "estimated_delivery",
        "last_event_at",
        "late_since",
        "stuck_since",
    )
    list_filter = (AttentionFilter, "status", "direction", "carrier_code", "brand")
    search_fields = ("tracking_number", "order__number", "order__customer__email")
    list_select_related = ("order", "brand")
    date_hierarchy = "created_at"
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

    @admin.action(description="Simulate the next carrier scan (demo)")
    def simulate_scan(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> None:
        moved = 0
        for shipment_id in queryset.values_list("id", flat=True)[:100]:
            if simulation.shipment_simulate_scan(shipment_id=shipment_id, location="Demo hub"):
                moved += 1
        self.message_user(request, f"{moved} shipment(s) moved on.", messages.SUCCESS)


@admin.register(InboundWebhook)
class InboundWebhookAdmin(BrandScopedAdmin):
    list_display = (
        "received_at",
        "provider",
        "topic",
        "brand",
        "tracking_number",
        "signature_valid",
        "result",
    )
    list_filter = ("provider", "result", "signature_valid", "brand")
    search_fields = ("tracking_number", "delivery_id", "error")
    list_select_related = ("brand",)
    date_hierarchy = "received_at"
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

    @admin.action(description="Re-process the selected webhooks", permissions=["view"])
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
            f"Re-processed {done} webhook(s) at {timezone.now():%H:%M:%S}; skipped {skipped} unsigned.",
            messages.SUCCESS,
        )


@admin.register(TrackingSettings)
class TrackingSettingsAdmin(BrandScopedAdmin):
    list_display = ("brand", "stuck_after_hours", "late_after_days")
    list_select_related = ("brand",)
