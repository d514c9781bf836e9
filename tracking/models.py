from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from brands.models import Brand
from common.history import staff_history_user
from common.tokens import new_public_token
from orders.models import Order, OrderLine
from tracking.numbers import tracking_key_expression
from tracking.statuses import ShipmentStatus


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "To the shopper"
    RETURN = "return", "Back to the merchant"


class EddSource(models.TextChoices):
    NONE = "", "None"
    CARRIER = "carrier", "Carrier"
    HISTORY = "history", "Our estimate from delivered history"
    MERCHANT = "merchant", "Merchant"


class Shipment(models.Model):
    """One parcel of an order, as a carrier tracks it."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="shipments")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    carrier_code = models.CharField(max_length=50)
    carrier_name = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=64, help_text="As the carrier or store wrote it.")
    tracking_key = models.GeneratedField(
        expression=tracking_key_expression("tracking_number"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
        help_text="The tracking number without separators, upper-cased: what lookups compare.",
    )
    carrier_tracking_url = models.URLField(max_length=500, blank=True)
    external_id = models.CharField(
        max_length=64, blank=True, help_text="The provider's id (tracker, fulfillment)."
    )
    source = models.CharField(max_length=20, default="api")
    status = models.CharField(max_length=24, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING)
    status_detail = models.CharField(max_length=255, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True, help_text="Carrier time of the latest event.")
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    estimated_delivery = models.DateField(null=True, blank=True)
    estimated_delivery_latest = models.DateField(
        null=True, blank=True, help_text="End of the window when the estimate is a range."
    )
    estimated_delivery_source = models.CharField(
        max_length=10, choices=EddSource.choices, blank=True, default=EddSource.NONE
    )
    late_since = models.DateTimeField(null=True, blank=True)
    stuck_since = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "carrier_code", "tracking_number"],
                name="shipment_unique_tracking_per_carrier",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["brand", "status"], name="shipment_brand_status_idx"),
            models.Index(fields=["brand", "tracking_number"], name="shipment_brand_number_idx"),
            models.Index(fields=["brand", "tracking_key"], name="shipment_brand_key_idx"),
            # Lists (admin, API) are the newest first, by brand or across brands, keyed on (created_at, id).
            models.Index(fields=["brand", "created_at", "id"], name="shipment_brand_newest_idx"),
            models.Index(fields=["created_at", "id"], name="shipment_newest_idx"),
            # The console's figures read a brand's parcels by the day they shipped.
            models.Index(fields=["brand", "shipped_at"], name="shipment_brand_shipped_idx"),
            # A delivery lane read again from the shipments (rebuild, a delivery taken back): the
            # newest deliveries of a brand's carrier first, without sorting the brand's parcels.
            models.Index(
                fields=["brand", "carrier_code", "delivered_at", "id"],
                condition=Q(delivered_at__isnull=False, direction="outbound"),
                name="shipment_delivered_lane_idx",
            ),
        ]
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.carrier_name or self.carrier_code} {self.tracking_number}"


class DeliveryLane(models.Model):
    """A brand's latest delivered parcels on one lane (carrier and destination country), kept as they
    are delivered so a scan reads its delivery estimate from one row instead of the brand's history.

    `samples` holds the newest deliveries first, at most `EDD_HISTORY_SIZE` of them, each as
    [delivered at (microseconds since the epoch), shipment id, whole transit days]; `first_days` and
    `last_days` are the estimate window they give, in days after shipping (none: too few samples).
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="delivery_lanes")
    carrier_code = models.CharField(max_length=50)
    country = models.CharField(max_length=2, blank=True, help_text="The order's shipping country.")
    samples = models.JSONField(default=list)
    first_days = models.PositiveSmallIntegerField(null=True, blank=True)
    last_days = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "carrier_code", "country"], name="delivery_lane_unique_per_brand"
            )
        ]

    def __str__(self) -> str:
        return f"{self.carrier_code} to {self.country or '?'}"


class ShipmentLine(models.Model):
    """Which order lines, and how many of each, travel in a shipment."""

    BRAND_LOOKUP = "shipment__brand"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = models.PositiveIntegerField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipment_line_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="shipment_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.title}"


class TrackingEvent(models.Model):
    """A carrier checkpoint; append-only, unique by content so re-sent histories add nothing."""

    BRAND_LOOKUP = "shipment__brand"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=24, choices=ShipmentStatus.choices)
    detail = models.CharField(max_length=255, blank=True)
    message = models.CharField(max_length=500, blank=True)
    location = models.CharField(max_length=255, blank=True)
    raw_status = models.CharField(max_length=100, blank=True)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["shipment", "fingerprint"], name="tracking_event_unique_fingerprint"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["shipment", "occurred_at"], name="tracking_event_time_idx")]
        ordering: ClassVar = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"


class WebhookResult(models.TextChoices):
    RECEIVED = "received", "Received, not processed yet"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate delivery"
    IGNORED = "ignored", "Ignored (topic or event not used)"
    UNMATCHED = "unmatched", "Unmatched: no shipment or order for it yet, retried"
    UNMATCHED_EXPIRED = "unmatched_expired", "Unmatched for too long; no longer retried"
    STALE = "stale", "Older than the data we hold; not applied"
    REJECTED = "rejected", "Rejected (signature or size)"
    INVALID = "invalid", "Invalid body"
    FAILED = "failed", "Failed while processing"


class InboundWebhook(models.Model):
    """Every inbound webhook call; verified ones keep their raw body for inspection and re-processing."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="inbound_webhooks", null=True)
    provider = models.CharField(max_length=20)
    topic = models.CharField(max_length=100, blank=True)
    delivery_id = models.CharField(
        max_length=100, blank=True, help_text="The provider's id of this delivery."
    )
    tracking_number = models.CharField(max_length=64, blank=True, db_index=True)
    tracking_key = models.GeneratedField(
        expression=tracking_key_expression("tracking_number"),
        output_field=models.CharField(max_length=64),
        db_persist=True,
    )
    order_external_id = models.CharField(
        max_length=64, blank=True, help_text="The store's order id, for a fulfillment that came first."
    )
    headers = models.JSONField(default=dict)
    # Only verified calls keep their body (for re-processing), and only for the retention period.
    body = models.TextField(blank=True)
    body_truncated = models.BooleanField(default=False)
    body_size = models.PositiveIntegerField(default=0, help_text="Bytes received.")
    body_purged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the body was blanked after the retention period."
    )
    signature_valid = models.BooleanField(null=True)
    result = models.CharField(max_length=20, choices=WebhookResult.choices, default=WebhookResult.RECEIVED)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["provider", "brand", "delivery_id"], name="inbound_webhook_delivery_idx"),
            models.Index(fields=["result", "received_at"], name="inbound_webhook_result_idx"),
            models.Index(fields=["brand", "tracking_key"], name="inbound_webhook_key_idx"),
            models.Index(fields=["brand", "order_external_id"], name="inbound_webhook_order_idx"),
            # The console's per-provider figures: the last call and the week's calls of one brand.
            models.Index(fields=["brand", "provider", "received_at"], name="inbound_webhook_provider_idx"),
            # The relay walks only the calls still waiting for a worker, oldest first.
            models.Index(
                fields=["received_at", "id"],
                condition=Q(result="received"),
                name="inbound_webhook_waiting_idx",
            ),
            # The admin's list of one brand's calls, newest first.
            models.Index(fields=["brand", "received_at"], name="inbound_webhook_brand_recv_idx"),
            # The retention purge walks only rows that still hold a body.
            models.Index(fields=["received_at"], condition=~Q(body=""), name="inbound_webhook_body_kept_idx"),
        ]
        ordering: ClassVar = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.topic} {self.received_at:%Y-%m-%d %H:%M:%S}"


class TrackingSettings(models.Model):
    """Per-brand thresholds for late and stuck detection."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="tracking_settings")
    stuck_after_hours = models.PositiveIntegerField(
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)],
        help_text="Hours without a carrier scan before a shipment counts as stuck.",
    )
    late_after_days = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(60)],
        help_text="Days past the estimated delivery date before a shipment counts as late.",
    )
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name_plural = "tracking settings"

    def __str__(self) -> str:
        return f"Tracking settings for {self.brand}"


class TrackingPageView(models.Model):
    """Tracking page views per order and day: the 'where is my order' deflection figure."""

    BRAND_LOOKUP = "order__brand"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tracking_page_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["order", "day"], name="page_view_unique_day")
        ]
        indexes: ClassVar = [models.Index(fields=["day", "order"], name="page_view_day_idx")]

    def __str__(self) -> str:
        return f"{self.order} {self.day}: {self.views}"


class ReactionFailure(models.Model):
    """A reaction of another app to a shipment change that raised; retried on its own with backoff.

    The carrier event that caused it stands: the reaction ran in its own savepoint.
    """

    BRAND_LOOKUP = "shipment__brand"

    reaction = models.CharField(max_length=200, help_text="The registered callable, module.name.")
    kind = models.CharField(max_length=20, help_text="status_changed or flagged.")
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="reaction_failures")
    payload = models.JSONField(help_text="The change the reaction was given, to give it again.")
    error = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(resolved_at__isnull=True),
                name="reaction_failure_due_idx",
            )
        ]
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reaction} on shipment {self.shipment_id}"


class PageCounterBatch(models.Model):
    """A batch of tracking page counts already added to Postgres: a flush never adds it twice."""

    name = models.CharField(max_length=200, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.name
