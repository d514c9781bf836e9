"""Recommendation rules and precomputed picks, content blocks for the tracking page, occasion offers."""

import re
from typing import ClassVar, Final

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Brand
from common.history import staff_history_user
from common.locales import LOCALE_CHOICES
from orders.models import Customer, Product

HOST_NAME: Final = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")
NO_PRODUCT_IN: Final = _("No product of this brand is in: %(names)s.")


def _empty_list() -> list[str]:
    return []


class OffersSettings(models.Model):
    """A brand's store hosts (the only redirect targets), product links and occasion offers."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="offers_settings")
    store_hosts = models.JSONField(
        default=_empty_list, blank=True, help_text='Hosts links may lead to, e.g. ["shop.example.com"].'
    )
    product_url_template = models.CharField(
        max_length=300, blank=True, help_text="A product's page, e.g. https://shop.example.com/p/{sku}"
    )
    birthday_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Birthday discount (0: none sent)."
    )
    anniversary_percent = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="First-order anniversary discount (0: none).",
    )
    thank_you_percent = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Single-use code in the thank-you (0: none).",
    )
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        verbose_name_plural = "offers settings"

    def __str__(self) -> str:
        return f"Offers settings of {self.brand}"

    def clean(self) -> None:
        hosts = self.store_hosts
        if not isinstance(hosts, list) or not all(isinstance(host, str) for host in hosts):
            raise ValidationError({"store_hosts": _("One host name a line, e.g. shop.example.com.")})
        wrong = [host for host in hosts if not HOST_NAME.fullmatch(host)]
        if wrong:
            raise ValidationError(
                {
                    "store_hosts": _(
                        "Not a host name: %(hosts)s. Write only the host, e.g. shop.example.com."
                    )
                    % {"hosts": ", ".join(wrong)}
                }
            )


class RecommendationRule(models.Model):
    """Bought something of this category → suggest products of these categories."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="recommendation_rules")
    category = models.CharField(max_length=64)
    suggest_categories = models.JSONField(default=_empty_list, help_text='e.g. ["cases", "headphones"]')
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "category"], name="recommendation_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.category} → {', '.join(self.suggest_categories)}"

    def clean(self) -> None:
        suggested = self.suggest_categories
        if not isinstance(suggested, list) or not all(isinstance(name, str) for name in suggested):
            raise ValidationError({"suggest_categories": _("A list of category names.")})
        if not suggested:
            raise ValidationError({"suggest_categories": _("Choose at least one category to suggest.")})


class Recommendation(models.Model):
    """A product picked for a customer by the periodic task; the page reads these in one query."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="recommendations")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["customer", "product"], name="recommendation_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["customer", "-score"], name="recommendation_rank_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.product_id} ({self.score:.2f})"


class BlockKind(models.TextChoices):
    BANNER = "banner", "Banner (image, text, link)"
    GUIDE = "guide", "How-to-use or care guide"
    VIDEO = "video", "Video link"
    DISCOUNT = "discount", "Discount code"


class ContentBlock(models.Model):
    """Something the brand shows on the tracking page to the shoppers it targets."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="content_blocks")
    kind = models.CharField(max_length=10, choices=BlockKind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(
        blank=True, max_length=4000, help_text="Simple HTML; scripts and styles are removed."
    )
    image_url = models.URLField(max_length=500, blank=True)
    link_url = models.URLField(max_length=500, blank=True, help_text="Must be on the brand's own hosts.")
    link_label = models.CharField(max_length=60, blank=True)
    discount_code = models.CharField(max_length=32, blank=True)
    locale = models.CharField(
        max_length=5, choices=LOCALE_CHOICES, help_text="The language it is written in."
    )
    categories = models.JSONField(
        default=_empty_list, blank=True, help_text="Bought categories (any if empty)."
    )
    statuses = models.JSONField(default=_empty_list, blank=True, help_text="Order statuses (any if empty).")
    tiers = models.JSONField(default=_empty_list, blank=True, help_text="Loyalty tier names (any if empty).")
    starts_on = models.DateField(null=True, blank=True, help_text="In the brand's time zone.")
    ends_on = models.DateField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower shows first.")
    active = models.BooleanField(default=True)
    impressions = models.PositiveIntegerField(default=0, editable=False)
    clicks = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(get_user=staff_history_user, excluded_fields=["impressions", "clicks"])

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["brand", "active", "locale"], name="content_block_match_idx")
        ]
        ordering: ClassVar = ["priority", "id"]

    def __str__(self) -> str:
        return self.title


class OccasionSent(models.Model):
    """Once a year per customer and occasion: the unique row is written before the message."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["customer", "occasion", "year"], name="occasion_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.occasion} {self.year} · {self.customer_id}"
