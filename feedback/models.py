"""Feedback captured after delivery: a rating per parcel, one NPS request (and answer) per order."""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from brands.models import Brand
from common.history import staff_history_user
from common.locales import LOCALE_CHOICES
from common.tokens import new_public_token
from orders.models import Customer, Order
from tracking.models import Shipment

MAX_COMMENT_LENGTH = 2000


class FeedbackSettings(models.Model):
    """A brand's choices for feedback; a brand without a row gets the defaults."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="feedback_settings")
    nps_enabled = models.BooleanField(default=True, help_text="Ask for a recommendation score by message.")
    nps_delay_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Days after delivery (in the brand's time zone) before asking; never the same day.",
    )
    thank_you_coupon = models.BooleanField(default=False, help_text="Give a discount code for an NPS answer.")
    coupon_percent = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    csat_change_hours = models.PositiveSmallIntegerField(
        default=48,
        validators=[MinValueValidator(0), MaxValueValidator(24 * 30)],
        help_text="How long after the first answer a shopper may change a delivery rating.",
    )
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name_plural = "feedback settings"
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(nps_delay_days__gte=1), name="feedback_nps_delay_min_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback settings of {self.brand}"


class DeliveryRating(models.Model):
    """How the shopper rated the delivery of one parcel (CSAT, 1–5); one answer per parcel."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="delivery_ratings")
    shipment = models.OneToOneField(Shipment, on_delete=models.CASCADE, related_name="delivery_rating")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="delivery_ratings")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="delivery_ratings"
    )
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True, max_length=MAX_COMMENT_LENGTH)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5"),
        ]
        indexes: ClassVar = [models.Index(fields=["brand", "created_at"], name="rating_brand_created_idx")]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.shipment}"


class NpsRequest(models.Model):
    """The recommendation question sent for an order, and its answer. The row is written before the
    message, and only once per order, so a restarted or doubled beat never asks twice."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="nps_requests")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="nps_request")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="nps_requests")
    token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    delivered_on = models.DateField(help_text="Local delivery date the request was counted from.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True, max_length=MAX_COMMENT_LENGTH)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    coupon_code = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = "NPS request"
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=10),
                name="nps_score_0_10",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["brand", "answered_at"], name="nps_brand_answered_idx")]

    def __str__(self) -> str:
        return f"NPS for order {self.order_id}"
