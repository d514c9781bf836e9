"""Customer care: one queue of cases per brand, their threads, canned answers and the help centre."""

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from brands.models import Brand
from common.locales import LOCALE_CHOICES
from common.tokens import new_public_token
from orders.models import Customer, Order
from tracking.models import Shipment


class CaseKind(models.TextChoices):
    QUESTION = "question", _("Question")
    PROBLEM = "problem", _("Problem report")
    FEEDBACK = "feedback", _("Low feedback")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING = "waiting", _("Waiting on shopper")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    LOW = 10, _("Low")
    NORMAL = 20, _("Normal")
    HIGH = 30, _("High")
    URGENT = 40, _("Urgent")


class Case(models.Model):
    """A shopper's question, problem report or unhappy feedback, worked by the brand's support staff."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="cases")
    kind = models.CharField(max_length=10, choices=CaseKind.choices)
    topic = models.CharField(
        max_length=32, blank=True, help_text="What the report is about, e.g. damaged, late, csat."
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.NEW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    shipment = models.ForeignKey(
        Shipment, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES, blank=True)
    subject = models.CharField(max_length=200)
    # What opened the case ("feedback:12", "problem:34:damaged"): the same cause never opens two.
    source_key = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_shopper_message_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    # When the shopper proved the address is theirs (a link in the acknowledgement); null while it
    # is only what someone typed into the form.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-priority", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["brand", "source_key"],
                condition=~models.Q(source_key=""),
                name="case_unique_brand_source",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["brand", "status", "-priority"], name="case_queue"),
            models.Index(fields=["brand", "created_at"], name="case_brand_created_idx"),
            # The admin's list: most urgent first, oldest first within a priority.
            models.Index(fields=["brand", "-priority", "created_at"], name="case_brand_priority_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"C-{self.pk}"


class Author(models.TextChoices):
    SHOPPER = "shopper", _("Shopper")
    AGENT = "agent", _("Support")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")


class CaseMessage(models.Model):
    """One message of a case's thread; agent messages are what the shopper received."""

    BRAND_LOOKUP = "case__brand"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    sent_by = models.CharField(max_length=40, blank=True, help_text="Channels the reply went out on.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_author_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class CannedAnswer(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="canned_answers")
    title = models.CharField(max_length=120)
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES)
    body = models.TextField()

    class Meta:
        ordering: ClassVar = ["title"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "title", "locale"], name="canned_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.locale})"


class FaqCategory(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="faq_categories")
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES)
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "title"]
        verbose_name_plural = "FAQ categories"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "locale", "slug"], name="faqcategory_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.locale})"


class FaqArticle(models.Model):
    """A help-centre answer in one language; its body is HTML sanitized on save."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="faq_articles")
    category = models.ForeignKey(FaqCategory, on_delete=models.PROTECT, related_name="articles")
    locale = models.CharField(max_length=5, choices=LOCALE_CHOICES)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    body = models.TextField(help_text="HTML: paragraphs, lists, links, emphasis. Scripts are removed.")
    position = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=True)
    statuses = models.JSONField(
        default=list,
        blank=True,
        help_text="Shipment statuses this answer fits, shown on the tracking page (late, exception…).",
    )
    views = models.PositiveIntegerField(default=0, editable=False)
    helpful_yes = models.PositiveIntegerField(default=0, editable=False)
    helpful_no = models.PositiveIntegerField(default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # Lower-cased words without accents: the search of databases without full-text search.
    search_text = models.TextField(blank=True, editable=False)
    # The same answer in other languages shares this key: the console edits them side by side.
    translation_key = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    from_case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["views", "helpful_yes", "helpful_no", "search_vector", "search_text"]
    )

    class Meta:
        ordering: ClassVar = ["position", "title"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "locale", "slug"], name="faqarticle_unique_slug"),
            models.UniqueConstraint(
                fields=["brand", "translation_key", "locale"],
                condition=~models.Q(translation_key=""),
                name="faqarticle_unique_translation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.locale})"

    def clean(self) -> None:
        if not self.category_id:
            return
        category = self.category
        if self.brand_id and category.brand_id != self.brand_id:
            raise ValidationError({"category": _("Choose a category of the same brand.")})
        if self.locale and category.locale != self.locale:
            raise ValidationError(
                {
                    "category": _(
                        "“%(category)s” is a %(category_language)s category; this answer is in %(language)s. "
                        "Choose a category in the answer's language."
                    )
                    % {
                        "category": category.title,
                        "category_language": category.get_locale_display(),
                        "language": self.get_locale_display(),
                    }
                }
            )


class AcknowledgementDay(models.Model):
    """How many "we have your message" emails one address got on one day, across brands and servers."""

    address = models.CharField(max_length=64, help_text="SHA-256 of the lower-cased address.")
    day = models.DateField()
    sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["address", "day"], name="acknowledgement_unique_address_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.sent}"


class StaffDigestPreference(models.Model):
    """Whether a staff member gets the email digest of new cases, replies and returns, and in which language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField(_("send me the digest"), default=True)
    language = models.CharField(_("language"), max_length=5, choices=LOCALE_CHOICES, blank=True)

    class Meta:
        verbose_name = _("email digest")
        verbose_name_plural = _("email digest")

    def __str__(self) -> str:
        return f"{self.user} · {'on' if self.enabled else 'off'}"


class StaffDigest(models.Model):
    """One digest for one staff member, written before it is sent: a rerun finds it and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    covered_from = models.DateTimeField()
    covered_until = models.DateTimeField()
    language = models.CharField(max_length=5)
    # Per brand: {"brand_id": .., "brand": "..", "cases": n, "replies": n, "returns": n}.
    summary = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "covered_until"], name="staffdigest_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.covered_until:%Y-%m-%d %H:%M}"
