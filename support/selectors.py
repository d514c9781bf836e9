"""Reads for customer care: the help centre in a shopper's language, search, a case's thread, figures."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
)

from brands.models import Brand
from common.periods import Period
from orders.models import Order
from support import search
from support.models import Author, Case, CaseMessage, CaseStatus, FaqArticle, FaqCategory

# Statuses an answer can be tagged with beyond the shipment statuses: derived situations.
SITUATIONS: Final = ("late", "stuck")
CONTEXTUAL_LIMIT: Final = 3
SEARCH_LIMIT: Final = 20


def help_categories(*, brand: Brand, locale: str) -> list[FaqCategory]:
    """The language's categories that hold a published answer, each with its answers (two queries)."""
    published = FaqArticle.objects.filter(published=True).only(
        "id", "title", "category_id", "position", "locale", "brand_id"
    )
    categories = (
        FaqCategory.objects.filter(brand=brand, locale=locale, articles__published=True)
        .distinct()
        .prefetch_related(Prefetch("articles", queryset=published))
    )
    return list(categories)


def faq_search(*, brand: Brand, locale: str, query: str, limit: int = SEARCH_LIMIT) -> list[FaqArticle]:
    """Published answers in the language matching the query, best first."""
    base = FaqArticle.objects.filter(brand=brand, locale=locale, published=True).select_related("category")
    return list(search.ranked_matches(base, locale=locale, query=query)[:limit])


def published_article(*, brand: Brand, article_id: int) -> FaqArticle | None:
    return (
        FaqArticle.objects.filter(brand=brand, id=article_id, published=True)
        .select_related("category")
        .first()
    )


def related_articles(*, article: FaqArticle, limit: int = 5) -> list[FaqArticle]:
    return list(
        FaqArticle.objects.filter(category_id=article.category_id, published=True)
        .exclude(id=article.id)
        .only("id", "title")[:limit]
    )


def situations_of(*, overall_status: str, late: bool, stuck: bool) -> set[str]:
    found = {overall_status}
    if late:
        found.add("late")
    if stuck:
        found.add("stuck")
    return found


def contextual_articles(
    *, brand: Brand, locale: str, situations: Iterable[str], limit: int = CONTEXTUAL_LIMIT
) -> list[FaqArticle]:
    """The few answers tagged with one of the page's situations, most specific first (one query)."""
    wanted = set(situations)
    # Tags live in a JSON list; a brand has tens of tagged answers, so one bounded read and a
    # filter here works on every database the product runs on.
    tagged = (
        FaqArticle.objects.filter(brand=brand, locale=locale, published=True)
        .exclude(statuses=[])
        .only("id", "title", "statuses", "position")
        .order_by("position", "id")[:200]
    )
    matches = [article for article in tagged if wanted.intersection(article.statuses or [])]
    # A "late" answer beats a generic "in transit" one when both fit.
    matches.sort(key=lambda article: not wanted.intersection(SITUATIONS).intersection(article.statuses))
    return matches[:limit]


def case_by_token(*, brand: Brand, token: str) -> Case | None:
    """The case behind a shopper's link, with the messages the shopper may see."""
    visible = CaseMessage.objects.filter(author__in=(Author.SHOPPER, Author.AGENT)).order_by(
        "created_at", "id"
    )
    return (
        Case.objects.filter(brand=brand, token=token)
        .select_related("order")
        .prefetch_related(Prefetch("messages", queryset=visible, to_attr="visible_messages"))
        .first()
    )


def case_thread(*, case_id: int) -> list[CaseMessage]:
    return list(
        CaseMessage.objects.filter(case_id=case_id).select_related("staff").order_by("created_at", "id")
    )


@dataclass(frozen=True)
class HelpFigures:
    views: int
    helpful_yes: int
    helpful_no: int
    questions: int
    open_cases: int

    @property
    def helpful_share(self) -> float | None:
        votes = self.helpful_yes + self.helpful_no
        return self.helpful_yes / votes if votes else None

    @property
    def deflection(self) -> float | None:
        """Answers read per question asked: how much the help centre saves the team."""
        return self.views / self.questions if self.questions else None


def help_figures(*, brand_ids: Sequence[int] | None) -> HelpFigures:
    """Views and votes of the help centre against questions asked (two queries)."""
    articles: QuerySet[FaqArticle] = FaqArticle.objects.all()
    cases: QuerySet[Case] = Case.objects.all()
    if brand_ids is not None:
        articles = articles.filter(brand_id__in=brand_ids)
        cases = cases.filter(brand_id__in=brand_ids)
    totals = articles.aggregate(views=Sum("views"), yes=Sum("helpful_yes"), no=Sum("helpful_no"))
    counts = cases.aggregate(
        questions=Count("id", filter=Q(kind="question")),
        open_cases=Count("id", filter=~Q(status__in=(CaseStatus.SOLVED, CaseStatus.CLOSED))),
    )
    return HelpFigures(
        views=totals["views"] or 0,
        helpful_yes=totals["yes"] or 0,
        helpful_no=totals["no"] or 0,
        questions=counts["questions"],
        open_cases=counts["open_cases"],
    )


# ---- console figures -------------------------------------------------------------------------------

OPEN_STATUSES: Final = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING)


class Median(Aggregate):
    """The median of a column (Postgres); other databases get no value here and a fallback below."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_filter = True


@dataclass(frozen=True)
class CaseFigures:
    open_now: int
    opened: int
    opened_prev: int
    first_response: timedelta | None
    first_response_prev: timedelta | None


def _median_first_response(cases: QuerySet[Case], since: datetime, until: datetime) -> timedelta | None:
    """The fallback of databases without PERCENTILE_CONT: the middle rows by response time (two queries)."""
    answered = cases.filter(created_at__gte=since, created_at__lt=until, first_response_at__isnull=False)
    count = answered.count()
    if not count:
        return None
    waited = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    ordered = answered.annotate(waited=waited).order_by("waited", "id").values_list("waited", flat=True)
    # The one middle value, or the mean of the two: what PERCENTILE_CONT(0.5) gives on Postgres.
    middle = [
        value if isinstance(value, timedelta) else timedelta(microseconds=int(value))
        for value in ordered[(count - 1) // 2 : count // 2 + 1]
    ]
    return sum(middle, timedelta()) / len(middle)


def case_figures(*, brand_ids: Sequence[int], period: Period) -> CaseFigures:
    """Open cases now, cases opened in the period and the one before, and the median time to the first
    answer of the cases opened in each; one query on Postgres."""
    previous = period.previous
    cases = Case.objects.filter(brand_id__in=brand_ids)
    current_q = Q(created_at__gte=period.start, created_at__lt=period.end)
    previous_q = Q(created_at__gte=previous.start, created_at__lt=previous.end)
    waited = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    figures: dict[str, Any] = {
        "open_now": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "opened": Count("id", filter=current_q),
        "opened_prev": Count("id", filter=previous_q),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        answered = Q(first_response_at__isnull=False)
        figures["first_response"] = Median(waited, filter=current_q & answered, output_field=DurationField())
        figures["first_response_prev"] = Median(
            waited, filter=previous_q & answered, output_field=DurationField()
        )
    totals = cases.aggregate(**figures)
    if not postgres:
        totals["first_response"] = _median_first_response(cases, period.start, period.end)
        totals["first_response_prev"] = _median_first_response(cases, previous.start, previous.end)
    return CaseFigures(**totals)


@dataclass(frozen=True)
class AskFigures:
    """Orders placed in a period, and how many of them a shopper opened a case about."""

    orders: int
    orders_prev: int
    asked: int
    asked_prev: int

    @property
    def never_asked_share(self) -> float | None:
        return round(100 * (self.orders - self.asked) / self.orders, 1) if self.orders else None

    @property
    def never_asked_share_prev(self) -> float | None:
        if not self.orders_prev:
            return None
        return round(100 * (self.orders_prev - self.asked_prev) / self.orders_prev, 1)


def order_ask_figures(*, brand_ids: Sequence[int], period: Period) -> AskFigures:
    """How many orders placed in the period (and the one before) needed a case; two queries.

    The orders are counted on the (brand, placed_at) index, and the cases from the other side, so
    neither query tests every order for a case.
    """
    previous = period.previous
    current_q = Q(placed_at__gte=period.start)
    previous_q = Q(placed_at__lt=previous.end)
    orders = Order.objects.filter(
        brand_id__in=brand_ids, placed_at__gte=previous.start, placed_at__lt=period.end
    ).aggregate(orders=Count("id", filter=current_q), orders_prev=Count("id", filter=previous_q))
    current_case_q = Q(order__placed_at__gte=period.start)
    previous_case_q = Q(order__placed_at__lt=previous.end)
    asked = Case.objects.filter(
        order__brand_id__in=brand_ids,
        order__placed_at__gte=previous.start,
        order__placed_at__lt=period.end,
    ).aggregate(
        asked=Count("order_id", filter=current_case_q, distinct=True),
        asked_prev=Count("order_id", filter=previous_case_q, distinct=True),
    )
    return AskFigures(**orders, **asked)
