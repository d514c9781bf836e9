"""The console dashboard's figures: each app's selectors, read only for the sections a staff member may see.

Every figure is an aggregate query over (brand, date) ranges, so the dashboard costs a fixed number of
queries whatever the data holds.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser, PermissionsMixin

from common.periods import Period
from feedback import selectors as feedback_selectors
from notifications import selectors as notification_selectors
from returns import selectors as return_selectors
from returns.statuses import Resolution
from support import selectors as support_selectors
from tracking import selectors as tracking_selectors

# Each section of the dashboard and the permission that lets a staff member see it.
SECTION_PERMISSIONS: Final[dict[str, str]] = {
    "shipments": "tracking.view_shipment",
    "tracking_page": "orders.view_order",
    "returns": "returns.view_return",
    "feedback": "feedback.view_deliveryrating",
    "messages": "notifications.view_notification",
    "cases": "support.view_case",
}


def visible_sections(*, user: PermissionsMixin | AnonymousUser) -> frozenset[str]:
    """The dashboard sections this staff member's permissions allow."""
    return frozenset(name for name, perm in SECTION_PERMISSIONS.items() if user.has_perm(perm))


@dataclass(frozen=True)
class MoneyKept:
    """Per currency: what went back as refunds and what stayed as store credit or exchanges."""

    currency: str
    refunded: Decimal
    refunded_prev: Decimal
    kept: Decimal
    kept_prev: Decimal

    @property
    def kept_share(self) -> float | None:
        total = self.refunded + self.kept
        return round(float(100 * self.kept / total), 1) if total else None


@dataclass
class DashboardFigures:
    period: Period
    sections: frozenset[str]
    carriers: list[tracking_selectors.CarrierFigures] = field(default_factory=list)
    page_views: tracking_selectors.PageViewFigures | None = None
    asks: support_selectors.AskFigures | None = None
    reasons: list[return_selectors.ReasonFigures] = field(default_factory=list)
    products: list[return_selectors.ProductFigures] = field(default_factory=list)
    resolutions: list[return_selectors.ResolutionFigures] = field(default_factory=list)
    scores: feedback_selectors.ScoreTotals | None = None
    weeks: list[feedback_selectors.WeekScores] = field(default_factory=list)
    comments: list[feedback_selectors.Comment] = field(default_factory=list)
    messages: list[notification_selectors.MessageFigures] = field(default_factory=list)
    cases: support_selectors.CaseFigures | None = None

    def carrier_total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.carriers)

    def resolution_total(self, resolution: str, name: str = "returns") -> int:
        return sum(getattr(row, name) for row in self.resolutions if row.resolution == resolution)

    def message_total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.messages)

    @property
    def money(self) -> list[MoneyKept]:
        by_currency: dict[str, dict[str, Decimal]] = {}
        for row in self.resolutions:
            sums = by_currency.setdefault(row.currency, {})
            side = "refunded" if row.resolution == Resolution.REFUND else "kept"
            sums[side] = sums.get(side, Decimal(0)) + row.amount
            sums[f"{side}_prev"] = sums.get(f"{side}_prev", Decimal(0)) + row.amount_prev
        zero = Decimal("0.00")
        return [
            MoneyKept(
                currency=currency,
                refunded=sums.get("refunded", zero),
                refunded_prev=sums.get("refunded_prev", zero),
                kept=sums.get("kept", zero),
                kept_prev=sums.get("kept_prev", zero),
            )
            for currency, sums in sorted(by_currency.items())
        ]


def dashboard_figures(
    *, brand_ids: Sequence[int], period: Period, sections: frozenset[str]
) -> DashboardFigures:
    """Every figure of the sections asked for, for these brands, over the period and the one before."""
    ids = list(brand_ids)
    figures = DashboardFigures(period=period, sections=sections)
    if not ids:
        return figures
    if "shipments" in sections:
        figures.carriers = tracking_selectors.shipment_figures_by_carrier(brand_ids=ids, period=period)
    if "tracking_page" in sections:
        figures.page_views = tracking_selectors.tracking_page_view_figures(brand_ids=ids, period=period)
        figures.asks = support_selectors.order_ask_figures(brand_ids=ids, period=period)
    if "returns" in sections:
        figures.reasons = return_selectors.return_figures_by_reason(brand_ids=ids, period=period)
        figures.products = return_selectors.return_figures_by_product(brand_ids=ids, period=period)
        figures.resolutions = return_selectors.return_figures_by_resolution(brand_ids=ids, period=period)
    if "feedback" in sections:
        figures.scores = feedback_selectors.score_totals(brand_ids=ids, period=period)
        figures.weeks = feedback_selectors.weekly_scores(brand_ids=ids, period=period)
        figures.comments = feedback_selectors.latest_comments(brand_ids=ids, period=period)
    if "messages" in sections:
        figures.messages = notification_selectors.message_figures(brand_ids=ids, period=period)
    if "cases" in sections:
        figures.cases = support_selectors.case_figures(brand_ids=ids, period=period)
    return figures


def _hours(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"


def dashboard_rows(figures: DashboardFigures) -> Iterator[tuple[str, str, str, Any, Any]]:
    """The figures as (section, figure, key, this period, previous period) rows, for the CSV export."""
    for carrier in figures.carriers:
        for name in ("shipped", "delivered", "on_time", "late", "stuck"):
            yield (
                "shipments",
                name,
                carrier.carrier_code,
                getattr(carrier, name),
                getattr(carrier, f"{name}_prev"),
            )
    if figures.page_views is not None:
        views = figures.page_views
        yield ("tracking_page", "page_views", "", views.views, views.views_prev)
        yield ("tracking_page", "orders_viewed", "", views.orders_viewed, views.orders_viewed_prev)
    if figures.asks is not None:
        asks = figures.asks
        yield ("tracking_page", "orders", "", asks.orders, asks.orders_prev)
        yield ("tracking_page", "orders_with_case", "", asks.asked, asks.asked_prev)
        yield (
            "tracking_page",
            "never_asked_percent",
            "",
            asks.never_asked_share,
            asks.never_asked_share_prev,
        )
    for reason in figures.reasons:
        yield ("returns", "by_reason", reason.label, reason.returns, reason.returns_prev)
    for product in figures.products:
        yield ("returns", "items_by_product", product.title, product.items, "")
    for row in figures.resolutions:
        yield ("returns", "by_resolution", f"{row.resolution} {row.currency}", row.returns, row.returns_prev)
        yield (
            "returns",
            "amount_by_resolution",
            f"{row.resolution} {row.currency}",
            row.amount,
            row.amount_prev,
        )
    for money in figures.money:
        yield ("returns", "refunded", money.currency, money.refunded, money.refunded_prev)
        yield ("returns", "kept_as_credit_or_exchange", money.currency, money.kept, money.kept_prev)
    if figures.scores is not None:
        scores = figures.scores
        yield ("feedback", "ratings", "", scores.ratings, scores.ratings_prev)
        yield ("feedback", "csat_percent", "", scores.csat, scores.csat_prev)
        yield ("feedback", "nps_answers", "", scores.answers, scores.answers_prev)
        yield ("feedback", "nps", "", scores.nps, scores.nps_prev)
        for week in figures.weeks:
            yield ("feedback", "csat_percent_week", week.week.isoformat(), week.csat, "")
            yield ("feedback", "nps_week", week.week.isoformat(), week.nps, "")
    for message in figures.messages:
        key = f"{message.trigger} {message.channel}"
        for name in ("sent", "delivered", "failed"):
            yield ("messages", name, key, getattr(message, name), getattr(message, f"{name}_prev"))
    if figures.cases is not None:
        cases = figures.cases
        yield ("cases", "open_now", "", cases.open_now, "")
        yield ("cases", "opened", "", cases.opened, cases.opened_prev)
        yield (
            "cases",
            "median_first_response_hours",
            "",
            _hours(cases.first_response),
            _hours(cases.first_response_prev),
        )
