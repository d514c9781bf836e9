"""Reads for loyalty: a member's standing for the tracking page in a fixed number of queries, figures."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, IntegerField, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty import rules
from loyalty.models import (
    CodePurpose,
    CodeStatus,
    DiscountCode,
    EntryKind,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyProgramme,
    LoyaltyTier,
    Referral,
    ReferralStatus,
)
from orders.models import Order, OrderLine
from tracking.models import Shipment, ShipmentLine

YEAR = timedelta(days=365)
TIER_KINDS = (EntryKind.EARN, EntryKind.CLAWBACK)


def order_delivered(*, order_id: int) -> bool:
    """Every outbound parcel of the order is delivered, and, when parcels list their items, every item
    of the order travelled in one of them (nothing left to ship); two queries."""
    counts = Shipment.objects.filter(order_id=order_id, direction="outbound").aggregate(
        total=Count("id"), delivered=Count("id", filter=Q(status="delivered"))
    )
    if not counts["total"] or counts["total"] != counts["delivered"]:
        return False
    shipped = dict(
        ShipmentLine.objects.filter(shipment__order_id=order_id, shipment__direction="outbound")
        .values("order_line_id")
        .annotate(quantity=Sum("quantity"))
        .values_list("order_line_id", "quantity")
    )
    if not shipped:
        return True  # parcels without item lists: the parcels are the order
    ordered = OrderLine.objects.filter(order_id=order_id).values_list("id", "quantity")
    return all(shipped.get(line_id, 0) >= quantity for line_id, quantity in ordered)


@dataclass(frozen=True)
class MemberStanding:
    programme: LoyaltyProgramme
    balance: int
    referral_code: str
    order_points: int  # what this order earned, or will earn when delivered
    order_credited: bool
    year_points: int
    tier: rules.TierRule | None
    next_tier: rules.TierRule | None
    referrals_rewarded: int
    referrals_waiting: int
    redeem_options: tuple[int, ...]
    codes: tuple[DiscountCode, ...]


def _sum(queryset: object, field: str = "points") -> Subquery:
    return Subquery(
        queryset.values("account_id").annotate(total=Sum(field)).values("total")[:1],  # type: ignore[attr-defined]
        output_field=IntegerField(),
    )


def redeem_options(*, balance: int, step: int, most: int = 4) -> tuple[int, ...]:
    """A few multiples of the step the balance allows, the largest always among them."""
    if step <= 0 or balance < step:
        return ()
    top = balance // step
    picks = sorted({1, 2, 5, top} & set(range(1, top + 1)))
    return tuple(n * step for n in picks[-most:])


def translated_tiers(tiers: list[LoyaltyTier], locale: str) -> list[rules.TierRule]:
    out = []
    for tier in tiers:
        words = tier.translations.get(locale, {}) if isinstance(tier.translations, dict) else {}
        words = words if isinstance(words, dict) else {}
        out.append(
            rules.TierRule(
                name=str(words.get("name") or tier.name),
                min_points=tier.min_points,
                perks=str(words.get("perks") or tier.perks),
                key=tier.name,
            )
        )
    return out


def member_standing(
    *, brand_id: int, customer_id: int, order: Order, locale: str, now: datetime | None = None
) -> MemberStanding | None:
    """Balance, tier, this order's points, referrals and open codes: three queries, or one without a programme."""
    now = now or timezone.now()
    accounts = LoyaltyAccount.objects.filter(customer_id=customer_id)
    entries = LedgerEntry.objects.filter(account__customer_id=customer_id)
    referrals = Referral.objects.filter(referrer_id=customer_id)
    programme = (
        LoyaltyProgramme.objects.filter(brand_id=brand_id, active=True)
        .annotate(
            member_balance=Coalesce(Subquery(accounts.values("balance")[:1]), Value(0)),
            member_code=Subquery(accounts.values("referral_code")[:1]),
            member_year=Coalesce(
                _sum(entries.filter(kind__in=TIER_KINDS, created_at__gte=now - YEAR)), Value(0)
            ),
            member_order=_sum(entries.filter(order_id=order.id, kind=EntryKind.EARN)),
            rewarded=Coalesce(
                Subquery(
                    referrals.filter(status=ReferralStatus.REWARDED)
                    .values("referrer_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                Value(0),
            ),
            waiting=Coalesce(
                Subquery(
                    referrals.filter(status__in=[ReferralStatus.INVITED, ReferralStatus.ORDERED])
                    .values("referrer_id")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                Value(0),
            ),
        )
        .first()
    )
    if programme is None:
        return None
    tiers = translated_tiers(list(LoyaltyTier.objects.filter(brand_id=brand_id)), locale)
    codes = tuple(
        DiscountCode.objects.filter(
            customer_id=customer_id, purpose=CodePurpose.POINTS, status=CodeStatus.ISSUED, expires_at__gt=now
        ).order_by("-issued_at")[:3]
    )
    credited = programme.member_order is not None
    year_points = max(int(programme.member_year), 0)
    from loyalty.services import points_for_order

    return MemberStanding(
        programme=programme,
        balance=int(programme.member_balance),
        referral_code=programme.member_code or "",
        order_points=int(programme.member_order)
        if credited
        else points_for_order(programme=programme, order=order),
        order_credited=credited,
        year_points=year_points,
        tier=rules.tier_for(year_points=year_points, tiers=tiers),
        next_tier=rules.next_tier(year_points=year_points, tiers=tiers),
        referrals_rewarded=int(programme.rewarded),
        referrals_waiting=int(programme.waiting),
        redeem_options=redeem_options(balance=int(programme.member_balance), step=programme.redeem_step),
        codes=codes,
    )


def customer_tier_name(*, brand_id: int, customer_id: int, now: datetime | None = None) -> str:
    """The customer's tier name (untranslated), '' without one; two queries."""
    now = now or timezone.now()
    year = (
        LedgerEntry.objects.filter(
            account__customer_id=customer_id, kind__in=TIER_KINDS, created_at__gte=now - YEAR
        ).aggregate(s=Sum("points"))["s"]
        or 0
    )
    tiers = translated_tiers(list(LoyaltyTier.objects.filter(brand_id=brand_id)), "")
    tier = rules.tier_for(year_points=year, tiers=tiers)
    return tier.name if tier else ""


def tier_names(*, brand_ids: Collection[int] | None) -> list[str]:
    """The (untranslated) tier names of these brands, every brand when None: what offers target."""
    tiers = LoyaltyTier.objects.all()
    if brand_ids is not None:
        tiers = tiers.filter(brand_id__in=brand_ids)
    return sorted(set(tiers.values_list("name", flat=True)))
