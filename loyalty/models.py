"""Loyalty programmes, the append-only points ledger, single-use discount codes and referrals."""

from decimal import Decimal
from typing import ClassVar, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Brand, refuse_languages_not_enabled
from common.history import staff_history_user
from common.locales import validate_currency
from orders.models import MONEY, Customer, Order


class Rounding(models.TextChoices):
    DOWN = "down", "Round down"
    NEAREST = "nearest", "Round to nearest (half up)"
    UP = "up", "Round up"


class LoyaltyProgramme(models.Model):
    """A brand's rules: how points are earned, what they are worth, when they expire, referral rewards."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="loyalty_programme")
    active = models.BooleanField(default=True)
    points_per_unit = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        default=Decimal("1.000"),
        validators=[MinValueValidator(Decimal(0))],
        help_text="Points per unit of the order's currency spent.",
    )
    rounding = models.CharField(max_length=8, choices=Rounding.choices, default=Rounding.DOWN)
    currency = models.CharField(
        max_length=3,
        default="EUR",
        validators=[validate_currency],
        help_text="Currency of redeemed codes.",
    )
    point_value = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        default=Decimal("0.0100"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="What one point is worth when redeemed, in the programme's currency.",
    )
    redeem_step = models.PositiveIntegerField(
        default=100,
        validators=[MinValueValidator(1)],
        help_text="Points are redeemed in multiples of this.",
    )
    expiry_months = models.PositiveSmallIntegerField(
        default=0, help_text="Points expire after this many months without activity (0: never)."
    )
    code_valid_days = models.PositiveSmallIntegerField(default=90)
    referrer_reward_points = models.PositiveIntegerField(default=500)
    friend_reward_points = models.PositiveIntegerField(default=250)
    store_url = models.URLField(
        max_length=500, blank=True, help_text="Where a referred friend is sent to shop."
    )
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name = "loyalty programme"

    def __str__(self) -> str:
        return f"Loyalty programme of {self.brand}"


class LoyaltyTier(models.Model):
    """A tier reached by points earned in the last twelve months, with its perks named."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="loyalty_tiers")
    name = models.CharField(max_length=60)
    min_points = models.PositiveIntegerField(help_text="Points earned in a rolling year to reach it.")
    perks = models.CharField(max_length=300, blank=True)
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='Name and perks by language: {"ro": {"name": "…", "perks": "…"}}.',
    )
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "min_points"], name="loyalty_tier_unique_threshold")
        ]
        ordering: ClassVar = ["brand", "min_points"]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_points}+)"

    def clean(self) -> None:
        translations = self.translations
        parts = {"name", "perks"}
        if not isinstance(translations, dict) or not all(
            isinstance(code, str)
            and isinstance(texts, dict)
            and set(texts) <= parts
            and all(isinstance(text, str) for text in texts.values())
            for code, texts in translations.items()
        ):
            raise ValidationError(_('Name and perks by language: {"ro": {"name": "…", "perks": "…"}}.'))
        if self.brand_id:
            refuse_languages_not_enabled(brand=self.brand, codes=translations)


class LoyaltyAccount(models.Model):
    """A customer's points; the row every ledger write locks, so concurrent writes are serialized.

    `balance` is the running total of the ledger kept under that lock; it never goes below zero.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="loyalty_accounts")
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="loyalty_account")
    balance = models.IntegerField(default=0)
    referral_code = models.CharField(max_length=16, unique=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="loyalty_balance_not_negative")
        ]
        verbose_name = "member"

    def __str__(self) -> str:
        return f"{self.customer} · {self.balance} pts"


class EntryKind(models.TextChoices):
    EARN = "earn", "Earned"
    REDEEM = "redeem", "Redeemed"
    ADJUST = "adjust", "Adjusted"
    EXPIRE = "expire", "Expired"
    CLAWBACK = "clawback", "Taken back after a refund"


class LedgerEntry(models.Model):
    """One movement of points; never updated or deleted. A source key makes a movement happen once."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="loyalty_entries")
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    points = models.IntegerField()
    balance_after = models.IntegerField()
    reason = models.CharField(max_length=200)
    source_key = models.CharField(max_length=100, blank=True)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "source_key"],
                condition=~models.Q(source_key=""),
                name="ledger_unique_source",
            ),
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="ledger_balance_after_ok"),
        ]
        indexes: ClassVar = [models.Index(fields=["account", "created_at"], name="ledger_account_time_idx")]
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class CodePurpose(models.TextChoices):
    POINTS = "points", "Points redeemed"
    THANK_YOU = "thank_you", "Thank-you"
    BIRTHDAY = "birthday", "Birthday"
    ANNIVERSARY = "anniversary", "Anniversary"
    OFFER = "offer", "Offer"


class CodeStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    REDEEMED = "redeemed", "Redeemed"
    VOID = "void", "Void"


class DiscountKind(models.TextChoices):
    AMOUNT = "amount", "Amount off"
    PERCENT = "percent", "Percent off"


CODE_ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed by hand


class DiscountCode(models.Model):
    """A single-use code the store checks and consumes through the API."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="discount_codes")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="discount_codes"
    )
    code = models.CharField(max_length=32, unique=True)
    purpose = models.CharField(max_length=12, choices=CodePurpose.choices)
    kind = models.CharField(max_length=8, choices=DiscountKind.choices, default=DiscountKind.AMOUNT)
    value = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(max_length=3, blank=True)
    points = models.PositiveIntegerField(default=0, help_text="Points spent on it.")
    status = models.CharField(max_length=10, choices=CodeStatus.choices, default=CodeStatus.ISSUED)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_order_ref = models.CharField(max_length=64, blank=True)
    redeemed_order_total = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["brand", "purpose", "status"], name="code_brand_purpose_idx")
        ]
        ordering: ClassVar = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.code


class ReferralStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ORDERED = "ordered", "First order placed"
    REWARDED = "rewarded", "Rewarded"
    REFUSED = "refused", "Refused"
    REVERSED = "reversed", "Reversed after a return"


class Referral(models.Model):
    """A friend who arrived through a customer's link, and whether both have earned their reward."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="referrals")
    referrer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="referrals_made")
    friend_email = models.EmailField()
    friend = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_by"
    )
    first_order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.INVITED)
    refusal = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "friend_email"], name="referral_unique_friend")
        ]
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.friend_email}"
