"""Return policies (rules and reasons per brand), returns with their lines, photos, events and notes,
and the signed webhooks that tell the store what to refund."""

import uuid
from decimal import Decimal
from typing import ClassVar, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Brand, refuse_languages_not_enabled
from common.history import staff_history_user
from common.locales import validate_currency
from common.tokens import new_public_token
from orders.models import MONEY, MoneyPrecision, Order, OrderLine, Product
from returns.statuses import Resolution, ReturnStatus

PERCENT: Final[MoneyPrecision] = {"max_digits": 5, "decimal_places": 2}


class ReturnMethod(models.TextChoices):
    DROP_OFF = "drop_off", "Drop the parcel off at a carrier point"
    PICKUP = "pickup", "A courier picks the parcel up"
    EITHER = "either", "Drop off or courier pickup"


class ReturnPolicy(models.Model):
    """A brand's settings that hold for every category: approval, bonus, how parcels come back."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="return_policy")
    auto_approve = models.BooleanField(
        default=True,
        help_text=("Approve eligible requests at once; requests with photos always wait for a person."),
    )
    credit_bonus_percent = models.DecimalField(
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=("Extra value, as a share of the items, for choosing store credit or an exchange."),
    )
    return_method = models.CharField(
        max_length=10, choices=ReturnMethod.choices, default=ReturnMethod.DROP_OFF
    )
    processing_days = models.PositiveSmallIntegerField(
        default=5, help_text=("Working days from receiving a return to refunding it.")
    )
    currency = models.CharField(
        max_length=3,
        default="EUR",
        validators=[validate_currency],
        help_text=("The currency fees are set in."),
    )
    return_carrier_code = models.CharField(max_length=50, default="dpd")
    return_address = models.TextField(blank=True)
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name_plural = "return policies"

    def __str__(self) -> str:
        return f"Return policy of {self.brand}"


class ReturnRule(models.Model):
    """What may be returned, for how long and at what cost: per category, or per product as an override.

    The rule with a blank category and no product is the brand's default.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="return_rules")
    category = models.CharField(max_length=64, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="return_rules"
    )
    window_days = models.PositiveSmallIntegerField(
        default=30, help_text=("Days from delivery (from the order date while undelivered).")
    )
    final_sale = models.BooleanField(default=False, help_text=("Final sale: not returnable."))
    allow_refund = models.BooleanField(default=True)
    allow_store_credit = models.BooleanField(default=True)
    allow_exchange = models.BooleanField(default=True)
    return_shipping_fee = models.DecimalField(
        **MONEY, default=Decimal("0.00"), validators=[MinValueValidator(Decimal(0))]
    )
    restocking_fee_percent = models.DecimalField(
        **PERCENT,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    keep_it_threshold = models.DecimalField(
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0))],
        help_text=("Refund without a return when the items are worth at most this (0: never)."),
    )
    must_be_unused = models.BooleanField(default=True)
    tags_required = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "category"],
                condition=models.Q(product__isnull=True),
                name="return_rule_unique_category",
            ),
            models.UniqueConstraint(
                fields=["brand", "product"],
                condition=models.Q(product__isnull=False),
                name="return_rule_unique_product",
            ),
        ]
        ordering: ClassVar = ["brand", "category", "product_id"]

    def __str__(self) -> str:
        if self.product_id:
            return f"{self.brand} · product {self.product}"
        return f"{self.brand} · {self.category or 'default'}"

    def clean(self) -> None:
        # The category itself is checked against the catalogue only where a person picks it
        # (returns.settings_forms): a policy may be written before the store's products arrive.
        if self.brand_id and self.product is not None and self.product.brand_id != self.brand_id:
            raise ValidationError({"product": _("Choose a product of this brand.")})


class ReturnReason(models.Model):
    """A reason shoppers can pick; whether it is the brand's fault decides the fees."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="return_reasons")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120, help_text=("Shown when no translation fits."))
    translations = models.JSONField(
        default=dict, blank=True, help_text=('Labels by language, e.g. {"ro": "…", "pl": "…"}.')
    )
    brand_fault = models.BooleanField(default=False, help_text=("No return shipping or restocking fee."))
    requires_photo = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "code"], name="return_reason_unique_code")
        ]
        ordering: ClassVar = ["brand", "position", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        translations = self.translations
        if not isinstance(translations, dict) or not all(
            isinstance(code, str) and isinstance(text, str) for code, text in translations.items()
        ):
            raise ValidationError(_('Labels by language, e.g. {"ro": "…"}.'))
        if self.brand_id:
            refuse_languages_not_enabled(brand=self.brand, codes=translations)


class Return(models.Model):
    """A shopper's request to send items back, with the amounts decided for it."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="returns")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    rma = models.CharField("RMA number", max_length=20, unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED)
    resolution = models.CharField(max_length=12, choices=Resolution.choices)
    reason = models.ForeignKey(ReturnReason, on_delete=models.PROTECT, related_name="returns")
    comment = models.TextField(blank=True, max_length=2000)
    keep_item = models.BooleanField(default=False, help_text=("Refunded without sending the items back."))
    currency = models.CharField(max_length=3)
    items_value = models.DecimalField(**MONEY)
    shipping_fee = models.DecimalField(**MONEY, default=Decimal("0.00"))
    restocking_fee = models.DecimalField(**MONEY, default=Decimal("0.00"))
    bonus = models.DecimalField(**MONEY, default=Decimal("0.00"))
    amount = models.DecimalField(**MONEY, help_text=("What the shopper gets back, after fees and bonus."))
    amount_issued = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=("The amount recorded when the return was resolved.")
    )
    # After inspection, what the accepted items are worth and what the shopper gets; the quote above
    # stays as it was asked for.
    inspected_items_value = models.DecimalField(**MONEY, null=True, blank=True)
    inspected_restocking_fee = models.DecimalField(**MONEY, null=True, blank=True)
    inspected_bonus = models.DecimalField(**MONEY, null=True, blank=True)
    inspected_amount = models.DecimalField(**MONEY, null=True, blank=True)
    rejection_reason = models.CharField(
        max_length=500, blank=True, help_text=("Why the return was rejected, as the shopper reads it.")
    )
    rejection_reason_translations = models.JSONField(
        default=dict, blank=True, help_text=('The reason by language, e.g. {"ro": "…"}.')
    )
    delivered_at = models.DateTimeField(null=True, blank=True, help_text=("When the items were delivered."))
    return_shipment = models.ForeignKey(
        "tracking.Shipment", on_delete=models.SET_NULL, null=True, blank=True, related_name="returns"
    )
    locale = models.CharField(max_length=5, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(get_user=staff_history_user, excluded_fields=["token"])

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["brand", "status"], name="return_brand_status_idx"),
            models.Index(fields=["brand", "-requested_at"], name="return_brand_requested_idx"),
        ]
        ordering: ClassVar = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return self.rma

    @property
    def amount_due(self) -> Decimal:
        """What the shopper gets: the inspected amount once the items were inspected, else the quote."""
        return self.inspected_amount if self.inspected_amount is not None else self.amount

    def rejection_reason_in(self, locale: str) -> str:
        """The rejection reason in this language when the merchant gave one, else as written."""
        translated = (self.rejection_reason_translations or {}).get(locale.split("-")[0], "")
        return str(translated or self.rejection_reason)


class ItemCondition(models.TextChoices):
    AS_NEW = "as_new", _("As new, resellable")
    OPENED = "opened", _("Opened or tried on")
    USED = "used", _("Used or worn")
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing or wrong item")


class ReturnLine(models.Model):
    BRAND_LOOKUP = "return_request__brand"

    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    exchange_for = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="exchange_lines"
    )
    # Filled in when the items are inspected.
    condition = models.CharField(max_length=10, choices=ItemCondition.choices, blank=True)
    accepted_quantity = models.PositiveIntegerField(null=True, blank=True)
    refund_amount = models.DecimalField(
        **MONEY, null=True, blank=True, help_text=("What the accepted items of this line are worth.")
    )
    adjustment_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["return_request", "order_line"], name="return_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="return_line_quantity_positive"),
        ]
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.title}"


def _photo_path(instance: "ReturnPhoto", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"returns/{instance.return_request.brand_id}/{uuid.uuid4().hex}.{extension}"


class ReturnPhoto(models.Model):
    BRAND_LOOKUP = "return_request__brand"

    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.image.name


class ReturnEvent(models.Model):
    """The audit trail: every status move, who made it and when."""

    BRAND_LOOKUP = "return_request__brand"

    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=ReturnStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    actor_label = models.CharField(max_length=100, help_text=("shopper, system, api:<brand> or a username"))
    note = models.CharField(max_length=500, blank=True)
    shopper_trigger = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '·'} → {self.to_status} by {self.actor_label}"


class ReturnNote(models.Model):
    """An internal note staff leave on a return; never shown to the shopper."""

    BRAND_LOOKUP = "return_request__brand"

    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class WebhookEndpoint(models.Model):
    """Where the store hears about returns; every call is signed with this endpoint's secret."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="return_webhook_endpoints")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, default=new_public_token)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed for good"


class WebhookDelivery(models.Model):
    """One event for one endpoint: written with the transition, sent after commit, retried until answered."""

    BRAND_LOOKUP = "endpoint__brand"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    return_request = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["state", "created_at"], name="return_webhook_state_idx")]
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class IncomingReturn(Return):
    """Approved returns on their way: what the warehouse should expect, and when."""

    class Meta:
        proxy = True
        verbose_name = "incoming return"
        verbose_name_plural = "incoming returns"
