"""Return figures over a period: rates by product, category and reason, resolutions, and speed."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, Sum

from orders.models import OrderLine
from returns.models import Return, ReturnLine
from returns.statuses import RELEASED_STATUSES


@dataclass(frozen=True)
class RateRow:
    key: str
    sold: int
    returned: int

    @property
    def rate(self) -> Decimal:
        if not self.sold:
            return Decimal("0.0")
        return (Decimal(self.returned) * 100 / self.sold).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Insights:
    start: datetime
    end: datetime
    by_product: list[RateRow]
    by_category: list[RateRow]
    by_reason: list[tuple[str, int, Decimal]]  # label, returned units, share of returned units %
    resolutions: list[tuple[str, int, Decimal]]  # resolution, returns, share %
    avg_days_delivery_to_return: Decimal | None
    avg_days_received_to_resolved: Decimal | None


def _share(part: int, whole: int) -> Decimal:
    return (
        (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if whole
        else Decimal("0.0")
    )


def _days(value: object) -> Decimal | None:
    if value is None:
        return None
    seconds = Decimal(value.total_seconds())  # type: ignore[attr-defined]
    return (seconds / 86400).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def returns_insights(*, brand_ids: set[int] | None, start: datetime, end: datetime) -> Insights:
    """Orders placed in [start, end): what was sold, what came back and why; six queries.

    `brand_ids` None means every brand (superusers).
    """
    scope = Q() if brand_ids is None else Q(order__brand_id__in=brand_ids)
    lines = OrderLine.objects.filter(scope, order__placed_at__gte=start, order__placed_at__lt=end)
    returned = ReturnLine.objects.filter(
        Q() if brand_ids is None else Q(return_request__brand_id__in=brand_ids),
        order_line__order__placed_at__gte=start,
        order_line__order__placed_at__lt=end,
    ).exclude(return_request__status__in=RELEASED_STATUSES)

    def rates(sold_key: str, returned_key: str) -> list[RateRow]:
        sold = {row[sold_key]: row["units"] for row in lines.values(sold_key).annotate(units=Sum("quantity"))}
        back = {
            row[returned_key]: row["units"]
            for row in returned.values(returned_key).annotate(units=Sum("quantity"))
        }
        rows = [
            RateRow(key=str(key or "—"), sold=units or 0, returned=back.get(key, 0) or 0)
            for key, units in sold.items()
        ]
        return sorted(rows, key=lambda row: (-row.rate, -row.returned, row.key))

    by_product = rates("product__sku", "order_line__product__sku")
    by_category = rates("product__category", "order_line__product__category")
    reason_rows = list(
        returned.values("return_request__reason__label").annotate(units=Sum("quantity")).order_by("-units")
    )
    total_returned = sum(row["units"] or 0 for row in reason_rows)
    by_reason = [
        (row["return_request__reason__label"], row["units"] or 0, _share(row["units"] or 0, total_returned))
        for row in reason_rows
    ]
    returns = Return.objects.filter(
        Q() if brand_ids is None else Q(brand_id__in=brand_ids),
        order__placed_at__gte=start,
        order__placed_at__lt=end,
    ).exclude(status__in=RELEASED_STATUSES)
    resolution_rows = list(returns.values("resolution").annotate(count=Count("id")).order_by("-count"))
    total = sum(row["count"] for row in resolution_rows)
    resolutions = [(row["resolution"], row["count"], _share(row["count"], total)) for row in resolution_rows]
    speed = returns.aggregate(
        to_return=Avg(
            ExpressionWrapper(F("requested_at") - F("delivered_at"), output_field=DurationField()),
            filter=Q(delivered_at__isnull=False),
        ),
        to_resolve=Avg(
            ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField()),
            filter=Q(resolved_at__isnull=False, received_at__isnull=False),
        ),
    )
    return Insights(
        start=start,
        end=end,
        by_product=by_product,
        by_category=by_category,
        by_reason=by_reason,
        resolutions=resolutions,
        avg_days_delivery_to_return=_days(speed["to_return"]),
        avg_days_received_to_resolved=_days(speed["to_resolve"]),
    )


def _blank(value: Decimal | None) -> object:
    return "" if value is None else value


def insights_csv(insights: Insights) -> str:
    """One table a spreadsheet opens: section, key, sold, returned, rate or share."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "sold_units", "returned_units", "percent"])
    for section, rows in (("product", insights.by_product), ("category", insights.by_category)):
        for row in rows:
            writer.writerow([section, row.key, row.sold, row.returned, row.rate])
    for label, units, share in insights.by_reason:
        writer.writerow(["reason", label, "", units, share])
    for resolution, count, share in insights.resolutions:
        writer.writerow(["resolution", resolution, "", count, share])
    writer.writerow(
        ["speed", "avg_days_delivery_to_return", "", "", _blank(insights.avg_days_delivery_to_return)]
    )
    writer.writerow(
        ["speed", "avg_days_received_to_resolved", "", "", _blank(insights.avg_days_received_to_resolved)]
    )
    return buffer.getvalue()
