"""Reads for feedback: settings, what the tracking page shows, who is due an NPS question, figures."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncMonth, TruncWeek

from brands.models import Brand
from common.periods import Period
from feedback.models import DeliveryRating, FeedbackSettings, NpsRequest
from orders.models import Order
from tracking.models import Direction, Shipment
from tracking.statuses import ShipmentStatus

# A brand switching NPS on does not ask every shopper of the last years: only recent deliveries.
NPS_LOOKBACK_DAYS: Final = 21


def feedback_settings(*, brand_id: int) -> FeedbackSettings:
    """The brand's settings; the defaults (unsaved) when it never changed them."""
    return FeedbackSettings.objects.filter(brand_id=brand_id).first() or FeedbackSettings(brand_id=brand_id)


def zone(brand: Brand) -> ZoneInfo:
    return ZoneInfo(brand.timezone)


def brands_asking_nps() -> list[tuple[Brand, FeedbackSettings]]:
    """Brands that ask for NPS (the default), each with its settings; two queries."""
    saved = {row.brand_id: row for row in FeedbackSettings.objects.all()}
    pairs = [
        (brand, saved.get(brand.id) or FeedbackSettings(brand_id=brand.id))
        for brand in Brand.objects.order_by("id")
    ]
    return [(brand, settings_row) for brand, settings_row in pairs if settings_row.nps_enabled]


def csat_changeable(*, rating: DeliveryRating, change_hours: int, now: datetime) -> bool:
    """Whether a delivery rating may still be changed: within the brand's window after the first answer."""
    return now < rating.created_at + timedelta(hours=change_hours)


def ratings_by_shipment(*, order_id: int) -> dict[int, DeliveryRating]:
    """Every delivery rating of an order's parcels, in one query."""
    return {rating.shipment_id: rating for rating in DeliveryRating.objects.filter(order_id=order_id)}


def nps_request_by_token(*, brand: Brand, token: str) -> NpsRequest | None:
    """The NPS request behind a link, only within its own brand."""
    return (
        NpsRequest.objects.filter(brand=brand, token=token)
        .select_related("order", "customer", "brand")
        .first()
    )


@dataclass(frozen=True)
class NpsCandidate:
    order_id: int
    customer_id: int
    delivered_on: date


def local_day_start(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone))


def nps_due_orders(*, brand: Brand, today: date, delay_days: int) -> list[NpsCandidate]:
    """Orders whose parcels are all delivered, the last one `delay_days` or more local days before
    `today`, not asked yet, with a customer we may contact (email, or SMS with consent)."""
    last_day = today - timedelta(days=max(delay_days, 1))
    before = local_day_start(last_day + timedelta(days=1), brand.timezone)
    since = local_day_start(last_day - timedelta(days=NPS_LOOKBACK_DAYS), brand.timezone)
    outbound = Q(shipments__direction=Direction.OUTBOUND)
    rows = (
        Order.objects.filter(brand=brand, cancelled_at__isnull=True, nps_request__isnull=True)
        .filter(~Q(customer__email="") | (Q(customer__sms_consent=True) & ~Q(customer__phone="")))
        .annotate(
            parcels=Count("shipments", filter=outbound),
            open_parcels=Count("shipments", filter=outbound & ~Q(shipments__status=ShipmentStatus.DELIVERED)),
            last_delivered=Max("shipments__delivered_at", filter=outbound),
        )
        .filter(parcels__gt=0, open_parcels=0, last_delivered__lt=before, last_delivered__gte=since)
        .order_by("id")
        .values_list("id", "customer_id", "last_delivered")
    )
    zone = ZoneInfo(brand.timezone)
    return [
        NpsCandidate(
            order_id=order_id, customer_id=customer_id, delivered_on=delivered.astimezone(zone).date()
        )
        for order_id, customer_id, delivered in rows
    ]


# ---- figures ---------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    """Counts for one month, carrier or category, and the scores computed from them."""

    key: str
    delivered: int = 0
    ratings: int = 0
    satisfied: int = 0  # ratings of 4 or 5
    nps_sent: int = 0
    nps_answers: int = 0
    promoters: int = 0  # 9–10
    detractors: int = 0  # 0–6

    @property
    def csat(self) -> float | None:
        """Share of ratings that are 4 or 5, in percent."""
        return round(100 * self.satisfied / self.ratings, 1) if self.ratings else None

    @property
    def nps(self) -> float | None:
        """Percent promoters minus percent detractors, from -100 to 100."""
        if not self.nps_answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_answers, 1)

    @property
    def csat_response_rate(self) -> float | None:
        return round(100 * self.ratings / self.delivered, 1) if self.delivered else None

    @property
    def nps_response_rate(self) -> float | None:
        return round(100 * self.nps_answers / self.nps_sent, 1) if self.nps_sent else None


@dataclass(frozen=True)
class Figures:
    total: FigureRow
    by_month: list[FigureRow]
    by_carrier: list[FigureRow]
    by_category: list[FigureRow]


def _rating_counts() -> dict[str, Count]:
    return {
        "n": Count("id", distinct=True),
        "good": Count("id", filter=Q(score__gte=4), distinct=True),
    }


def _nps_counts() -> dict[str, Count]:
    return {
        "n": Count("id", distinct=True),
        "answers": Count("id", filter=Q(score__isnull=False), distinct=True),
        "promoters": Count("id", filter=Q(score__gte=9), distinct=True),
        "detractors": Count("id", filter=Q(score__lte=6), distinct=True),
    }


class LabelFn:
    def __init__(self, blank: str, fmt: str = "") -> None:
        self.blank, self.fmt = blank, fmt

    def __call__(self, value: object) -> str:
        if value is None or value == "":
            return self.blank
        if self.fmt and isinstance(value, datetime | date):
            return value.strftime(self.fmt)
        return str(value)


def _merge(
    rows: dict[str, FigureRow],
    *,
    delivered: Iterable[dict[str, object]],
    ratings: Iterable[dict[str, object]],
    nps: Iterable[dict[str, object]],
    label: LabelFn,
) -> list[FigureRow]:
    def row(value: object) -> FigureRow:
        key = label(value)
        return rows.setdefault(key, FigureRow(key=key))

    for entry in delivered:
        row(entry["k"]).delivered += int(entry["n"])  # type: ignore[call-overload]
    for entry in ratings:
        target = row(entry["k"])
        target.ratings += int(entry["n"])  # type: ignore[call-overload]
        target.satisfied += int(entry["good"])  # type: ignore[call-overload]
    for entry in nps:
        target = row(entry["k"])
        target.nps_sent += int(entry["n"])  # type: ignore[call-overload]
        target.nps_answers += int(entry["answers"])  # type: ignore[call-overload]
        target.promoters += int(entry["promoters"])  # type: ignore[call-overload]
        target.detractors += int(entry["detractors"])  # type: ignore[call-overload]
    return list(rows.values())


def feedback_figures(*, brand: Brand, since: date | None = None) -> Figures:
    """CSAT, NPS and response rates for one brand: overall, by month of delivery, by carrier and by
    product category. A parcel with several categories counts once in each. Twelve aggregate queries."""
    zone = ZoneInfo(brand.timezone)
    shipments = Shipment.objects.filter(
        brand=brand, direction=Direction.OUTBOUND, status=ShipmentStatus.DELIVERED, delivered_at__isnull=False
    )
    ratings = DeliveryRating.objects.filter(brand=brand, shipment__delivered_at__isnull=False)
    nps = NpsRequest.objects.filter(brand=brand)
    if since is not None:
        start = local_day_start(since, brand.timezone)
        shipments = shipments.filter(delivered_at__gte=start)
        ratings = ratings.filter(shipment__delivered_at__gte=start)
        nps = nps.filter(delivered_on__gte=since)

    def grouped(queryset: object, key: object, counts: dict[str, Count]) -> list[dict[str, object]]:
        return list(
            queryset.annotate(k=key).values("k").annotate(**counts).order_by("k")  # type: ignore[attr-defined]
        )

    by_month = _merge(
        {},
        delivered=grouped(shipments, TruncMonth("delivered_at", tzinfo=zone), {"n": Count("id")}),
        ratings=grouped(ratings, TruncMonth("shipment__delivered_at", tzinfo=zone), _rating_counts()),
        nps=grouped(nps, TruncMonth("delivered_on"), _nps_counts()),
        label=LabelFn("—", "%Y-%m"),
    )
    by_month.sort(key=lambda row: row.key, reverse=True)
    by_carrier = _merge(
        {},
        delivered=grouped(shipments, F("carrier_code"), {"n": Count("id")}),
        ratings=grouped(ratings, F("shipment__carrier_code"), _rating_counts()),
        nps=grouped(nps, F("order__shipments__carrier_code"), _nps_counts()),
        label=LabelFn("—"),
    )
    by_category = _merge(
        {},
        delivered=grouped(
            shipments, F("lines__order_line__product__category"), {"n": Count("id", distinct=True)}
        ),
        ratings=grouped(ratings, F("shipment__lines__order_line__product__category"), _rating_counts()),
        nps=grouped(nps, F("order__lines__product__category"), _nps_counts()),
        label=LabelFn("(no category)"),
    )
    total = FigureRow(key="all")
    for row in by_month:
        for name in (
            "delivered",
            "ratings",
            "satisfied",
            "nps_sent",
            "nps_answers",
            "promoters",
            "detractors",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Figures(
        total=total,
        by_month=by_month,
        by_carrier=sorted(by_carrier, key=lambda row: row.key),
        by_category=sorted(by_category, key=lambda row: row.key),
    )


# ---- console figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreTotals:
    """Ratings (CSAT, share of 4–5) and NPS answers of a period and the one before."""

    ratings: int
    ratings_prev: int
    satisfied: int
    satisfied_prev: int
    answers: int
    answers_prev: int
    promoters: int
    promoters_prev: int
    detractors: int
    detractors_prev: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def csat(self) -> float | None:
        return self._share(self.satisfied, self.ratings)

    @property
    def csat_prev(self) -> float | None:
        return self._share(self.satisfied_prev, self.ratings_prev)

    @property
    def nps(self) -> float | None:
        return self._share(self.promoters - self.detractors, self.answers)

    @property
    def nps_prev(self) -> float | None:
        return self._share(self.promoters_prev - self.detractors_prev, self.answers_prev)


@dataclass(frozen=True)
class WeekScores:
    week: date
    ratings: int
    csat: float | None
    answers: int
    nps: float | None


@dataclass(frozen=True)
class Comment:
    kind: str  # "csat" or "nps"
    score: int
    comment: str
    at: datetime
    object_id: int


def score_totals(*, brand_ids: Sequence[int], period: Period) -> ScoreTotals:
    """CSAT (ratings given) and NPS (answers given) in the period and the one before; two queries."""
    previous = period.previous
    ratings = DeliveryRating.objects.filter(
        brand_id__in=brand_ids, created_at__gte=previous.start, created_at__lt=period.end
    ).aggregate(
        ratings=Count("id", filter=Q(created_at__gte=period.start)),
        ratings_prev=Count("id", filter=Q(created_at__lt=previous.end)),
        satisfied=Count("id", filter=Q(created_at__gte=period.start, score__gte=4)),
        satisfied_prev=Count("id", filter=Q(created_at__lt=previous.end, score__gte=4)),
    )
    current_q, previous_q = Q(answered_at__gte=period.start), Q(answered_at__lt=previous.end)
    answers = NpsRequest.objects.filter(
        brand_id__in=brand_ids,
        answered_at__gte=previous.start,
        answered_at__lt=period.end,
        score__isnull=False,
    ).aggregate(
        answers=Count("id", filter=current_q),
        answers_prev=Count("id", filter=previous_q),
        promoters=Count("id", filter=current_q & Q(score__gte=9)),
        promoters_prev=Count("id", filter=previous_q & Q(score__gte=9)),
        detractors=Count("id", filter=current_q & Q(score__lte=6)),
        detractors_prev=Count("id", filter=previous_q & Q(score__lte=6)),
    )
    return ScoreTotals(**ratings, **answers)


def weekly_scores(*, brand_ids: Sequence[int], period: Period) -> list[WeekScores]:
    """CSAT and NPS by local week (Monday) over the period; two queries."""
    zone = period.zone
    ratings = (
        DeliveryRating.objects.filter(
            brand_id__in=brand_ids, created_at__gte=period.start, created_at__lt=period.end
        )
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(n=Count("id"), good=Count("id", filter=Q(score__gte=4)))
    )
    answers = (
        NpsRequest.objects.filter(
            brand_id__in=brand_ids,
            answered_at__gte=period.start,
            answered_at__lt=period.end,
            score__isnull=False,
        )
        .annotate(week=TruncWeek("answered_at", tzinfo=zone))
        .values("week")
        .annotate(
            n=Count("id"),
            promoters=Count("id", filter=Q(score__gte=9)),
            detractors=Count("id", filter=Q(score__lte=6)),
        )
    )

    def day(value: date | datetime) -> date:
        return value.astimezone(zone).date() if isinstance(value, datetime) else value

    by_week: dict[date, dict[str, int]] = {}
    for row in ratings:
        by_week.setdefault(day(row["week"]), {}).update(ratings=row["n"], good=row["good"])
    for row in answers:
        by_week.setdefault(day(row["week"]), {}).update(
            answers=row["n"], promoters=row["promoters"], detractors=row["detractors"]
        )
    weeks = []
    for week in sorted(by_week):
        counts = by_week[week]
        n, answered = counts.get("ratings", 0), counts.get("answers", 0)
        weeks.append(
            WeekScores(
                week=week,
                ratings=n,
                csat=round(100 * counts.get("good", 0) / n, 1) if n else None,
                answers=answered,
                nps=(
                    round(100 * (counts.get("promoters", 0) - counts.get("detractors", 0)) / answered, 1)
                    if answered
                    else None
                ),
            )
        )
    return weeks


def latest_comments(*, brand_ids: Sequence[int], period: Period, limit: int = 6) -> list[Comment]:
    """The newest written comments of delivery ratings and NPS answers in the period; two queries."""
    ratings = (
        DeliveryRating.objects.filter(
            brand_id__in=brand_ids, created_at__gte=period.start, created_at__lt=period.end
        )
        .exclude(comment="")
        .order_by("-created_at", "-id")
        .values_list("id", "score", "comment", "created_at")[:limit]
    )
    answers = (
        NpsRequest.objects.filter(
            brand_id__in=brand_ids, answered_at__gte=period.start, answered_at__lt=period.end
        )
        .exclude(comment="")
        .order_by("-answered_at", "-id")
        .values_list("id", "score", "comment", "answered_at")[:limit]
    )
    comments = [Comment("csat", score, text, at, pk) for pk, score, text, at in ratings]
    comments += [
        Comment("nps", score, text, at, pk)
        for pk, score, text, at in answers
        if score is not None and at is not None
    ]
    comments.sort(key=lambda comment: comment.at, reverse=True)
    return comments[:limit]
