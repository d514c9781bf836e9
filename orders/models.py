from decimal import Decimal
from typing import ClassVar, Final, TypedDict

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from common.locales import LOCALE_CHOICES, validate_country, validate_currency
from common.phones import validate_e164
from common.tokens import new_public_token


class MoneyPrecision(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: Final[MoneyPrecision] = {"max_digits": 12, "decimal_places": 2}


class Customer(models.Model):
    """A shopper of one brand; the same person at two brands is two customers."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="customers")
    external_id = models.CharField(max_length=64, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES, blank=True)
    birthday = models.DateField(null=True, blank=True)
    marketing_consent = models.BooleanField(default=False)
    sms_consent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "brand", Lower("email"), condition=~models.Q(email=""), name="customer_unique_email_per_brand"
            ),
            models.UniqueConstraint(
                fields=["brand", "external_id"],
                condition=~models.Q(external_id=""),
                name="customer_unique_external_id_per_brand",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or f"customer {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ConsentChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class ConsentSource(models.TextChoices):
    """Who said it. Only the shopper's own words can undo the shopper's own withdrawal."""

    STORE = "store", _("Store payload")
    SHOPPER_FORM = "shopper_form", _("Shopper form")
    SMS_REPLY = "sms_reply", _("SMS reply (STOP/START)")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
    MERCHANT = "merchant", _("Merchant or admin")
    IMPORT = "import", _("Existing record")


SHOPPER_SOURCES: Final = frozenset(
    {ConsentSource.SHOPPER_FORM, ConsentSource.SMS_REPLY, ConsentSource.UNSUBSCRIBE}
)


class ConsentRecord(models.Model):
    """One statement about a customer's consent; the Customer's flags are derived from these."""

    BRAND_LOOKUP = "customer__brand"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consent_records")
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    purpose = models.CharField(max_length=20, default="marketing")
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    occurred_at = models.DateTimeField()
    detail = models.CharField(max_length=255, blank=True)
    applied = models.BooleanField(
        default=True, help_text="False when the statement was outranked by the shopper's own withdrawal."
    )

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["customer", "channel", "-occurred_at"], name="consent_customer_channel_idx")
        ]
        ordering: ClassVar = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        verb = "granted" if self.granted else "withdrew"
        return f"{self.customer_id} {verb} {self.channel} ({self.source})"


class Product(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    category = models.CharField(max_length=64, blank=True, db_index=True)
    variant_group = models.CharField(
        max_length=64, blank=True, help_text="Products sharing this value are variants of one another."
    )
    image_url = models.URLField(max_length=500, blank=True)
    price = models.DecimalField(**MONEY, default=Decimal("0.00"), validators=[MinValueValidator(Decimal(0))])
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    returnable = models.BooleanField(default=True)
    in_stock = models.BooleanField(default=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "sku"], name="product_unique_sku_per_brand")
        ]
        ordering: ClassVar = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.sku})"


class Order(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="orders")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    external_id = models.CharField(max_length=64)
    number = models.CharField(max_length=64)
    placed_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    subtotal = models.DecimalField(**MONEY, default=Decimal("0.00"))
    shipping_total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    tax_total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    discount_total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    shipping_name = models.CharField(max_length=200, blank=True)
    shipping_line1 = models.CharField(max_length=255, blank=True)
    shipping_line2 = models.CharField(max_length=255, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_region = models.CharField(max_length=100, blank=True)
    shipping_postal_code = models.CharField(max_length=20, blank=True, db_index=True)
    shipping_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES, blank=True)
    tracking_token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    source = models.CharField(max_length=20, default="api")
    source_updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the store last changed the order: older updates are not applied.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "external_id"], name="order_unique_external_id_per_brand"
            ),
            models.UniqueConstraint(fields=["brand", "number"], name="order_unique_number_per_brand"),
        ]
        indexes: ClassVar = [
            # Lists (admin, API) are the newest first, by brand or across brands, keyed on (placed_at, id).
            models.Index(fields=["brand", "placed_at", "id"], name="order_brand_newest_idx"),
            models.Index(fields=["placed_at", "id"], name="order_newest_idx"),
        ]
        ordering: ClassVar = ["-placed_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.number}"

    def clean(self) -> None:
        if self.customer_id and self.brand_id and self.customer.brand_id != self.brand_id:
            raise ValidationError({"customer": _("The customer belongs to another brand.")})


class OrderLine(models.Model):
    BRAND_LOOKUP = "order__brand"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    external_id = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["order", "external_id"], name="order_line_unique_external_id"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
