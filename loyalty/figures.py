"""Growth figures for the admin: members and points, codes issued and redeemed with the revenue of the
orders that used them, referrals by status. A handful of aggregate queries, scoped to brands."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from loyalty.models import CodeStatus, DiscountCode, EntryKind, LedgerEntry, LoyaltyAccount, Referral


@dataclass(frozen=True)
class CodeRow:
    purpose: str
    issued: int
    redeemed: int
    revenue: Decimal


@dataclass(frozen=True)
class LoyaltyFigures:
    members: int
    outstanding_points: int
    points_by_kind: list[tuple[str, int]]
    codes: list[CodeRow]
    referrals_by_status: list[tuple[str, int]]


def _scoped(queryset: QuerySet, brand_ids: set[int] | None) -> QuerySet:  # type: ignore[type-arg]
    return queryset if brand_ids is None else queryset.filter(brand_id__in=brand_ids)


def loyalty_figures(*, brand_ids: set[int] | None) -> LoyaltyFigures:
    accounts = _scoped(LoyaltyAccount.objects.all(), brand_ids).aggregate(
        n=Count("id"), points=Sum("balance")
    )
    kinds = dict(EntryKind.choices)
    by_kind = (
        _scoped(LedgerEntry.objects.all(), brand_ids)
        .values("kind")
        .annotate(points=Sum("points"))
        .order_by("kind")
    )
    codes = (
        _scoped(DiscountCode.objects.all(), brand_ids)
        .values("purpose")
        .annotate(
            issued=Count("id"),
            redeemed=Count("id", filter=Q(status=CodeStatus.REDEEMED)),
            revenue=Sum("redeemed_order_total", filter=Q(status=CodeStatus.REDEEMED)),
        )
        .order_by("purpose")
    )
    referrals = (
        _scoped(Referral.objects.all(), brand_ids).values("status").annotate(n=Count("id")).order_by("status")
    )
    return LoyaltyFigures(
        members=accounts["n"] or 0,
        outstanding_points=accounts["points"] or 0,
        points_by_kind=[(str(kinds.get(row["kind"], row["kind"])), row["points"] or 0) for row in by_kind],
        codes=[
            CodeRow(
                purpose=row["purpose"],
                issued=row["issued"],
                redeemed=row["redeemed"],
                revenue=row["revenue"] or Decimal("0.00"),
            )
            for row in codes
        ],
        referrals_by_status=[(row["status"], row["n"]) for row in referrals],
    )
