from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Brand
from common.history import staff_history_user
from common.locales import LOCALE_CHOICES
from notifications.triggers import trigger_switches
from orders.models import Customer


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Undelivered"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    # The worker stopped during the provider call and the provider cannot be asked whether it took
    # the message: a person decides, rather than risk sending it twice.
    UNCONFIRMED = "unconfirmed", "Unconfirmed"


FINAL_STATES = frozenset({State.DELIVERED, State.UNDELIVERED, State.FAILED, State.SKIPPED})


class NotificationSettings(models.Model):
    """Per-brand switches: which trigger goes out on which channel, quiet hours, SMS length."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="notification_settings")
    disabled = models.JSONField(
        default=list, blank=True, help_text="Messages this brand does not send, by trigger and channel."
    )
    quiet_hours_start = models.PositiveSmallIntegerField(
        default=21, validators=[MaxValueValidator(23)], help_text="Hour (brand time) SMS stop."
    )
    quiet_hours_end = models.PositiveSmallIntegerField(
        default=8, validators=[MaxValueValidator(23)], help_text="Hour (brand time) SMS resume."
    )
    sms_max_segments = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    sms_collapse_seconds = models.PositiveIntegerField(
        default=120,
        validators=[MaxValueValidator(3600)],
        help_text="Parcel SMS wait this long; a newer status of the same parcel in the meantime replaces them.",
    )
    sms_per_second = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Messages a second this brand's SMS sender may take (Twilio: 1 for a long code).",
    )
    promo_code = models.CharField(max_length=40, blank=True, help_text="Offered in the order confirmation.")
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings for {self.brand}"

    def clean(self) -> None:
        switches = trigger_switches()
        if not isinstance(self.disabled, list):
            raise ValidationError({"disabled": _("A list of trigger:channel pairs.")})
        unknown = [str(item) for item in self.disabled if item not in switches]
        if unknown:
            raise ValidationError(
                {"disabled": _("Unknown trigger or channel: %(names)s.") % {"names": ", ".join(unknown)}}
            )

    def enabled(self, trigger: str, channel: str) -> bool:
        return f"{trigger}:{channel}" not in (self.disabled or [])


class MessageTemplate(models.Model):
    """A brand's own wording for one trigger, channel and language; defaults apply where none."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="message_templates")
    trigger = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "trigger", "channel", "locale"], name="message_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand} · {self.trigger} · {self.channel} · {self.locale}"


class Notification(models.Model):
    """The outbox: one row per subject × trigger × channel, written with the change that caused it."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="notifications")
    # None only for a staff member's test of a template, which goes to the staff member alone.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    is_test = models.BooleanField(
        default=False, help_text="A template test sent to a staff member: never counted as a shopper message."
    )
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_key = models.CharField(max_length=100, help_text='What it is about, e.g. "shipment:12".')
    trigger = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=254)
    locale = models.CharField(max_length=5)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(
        null=True, blank=True, help_text="Not sent before this: quiet hours, or the sender's next free slot."
    )
    slot_at = models.DateTimeField(
        null=True, blank=True, help_text="The moment reserved for it in its sender's per-second allowance."
    )
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    error_code = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    handed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the provider call of the current claim started."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["subject_key", "trigger", "channel"], name="notification_once_per_subject"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "created_at"], name="notification_state_idx"),
            models.Index(fields=["brand", "created_at"], name="notification_brand_created_idx"),
            # The admin's search by recipient.
            models.Index(fields=["brand", "to"], name="notification_brand_to_idx"),
        ]
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trigger} {self.channel} → {self.to}"


class VerificationPurpose(models.TextChoices):
    PHONE = "phone", "Confirm a mobile number"
    IDENTITY = "identity", "Confirm the shopper"


class ContactVerification(models.Model):
    """A one-time code sent to a phone or email; only its keyed hash is kept."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="contact_verifications")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_verifications")
    purpose = models.CharField(max_length=10, choices=VerificationPurpose.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=254, help_text="The number or address the code was sent to.")
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["customer", "purpose", "-created_at"], name="verification_customer_idx")
        ]
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} code for customer {self.customer_id}"
