"""Reads for returns: the brand's policy as rule objects, what an order can still send back, queues."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from brands.models import Brand
from brands.permissions import brand_ids_granting
from common.periods import Period
from orders.models import Order, OrderLine, Product
from returns import policy
from returns.models import Return, ReturnLine, ReturnPolicy, ReturnReason, ReturnRule
from returns.statuses import RELEASED_STATUSES, Resolution, ReturnStatus
from tracking import selectors as tracking_selectors


def rule_from_model(row: ReturnRule) -> policy.Rule:
    resolutions = {
        Resolution.REFUND: row.allow_refund,
        Resolution.STORE_CREDIT: row.allow_store_credit,
        Resolution.EXCHANGE: row.allow_exchange,
    }
    return policy.Rule(
        window_days=row.window_days,
        final_sale=row.final_sale,
        resolutions=frozenset(str(name) for name, allowed in resolutions.items() if allowed),
        return_shipping_fee=row.return_shipping_fee,
        restocking_fee_percent=row.restocking_fee_percent,
        keep_it_threshold=row.keep_it_threshold,
        must_be_unused=row.must_be_unused,
        tags_required=row.tags_required,
        category=row.category,
        product_id=row.product_id,
    )


def policy_book(*, brand: Brand) -> policy.PolicyBook:
    """The brand's rules and settings as frozen objects; two queries."""
    settings = ReturnPolicy.objects.filter(brand=brand).first()
    default = policy.DEFAULT_RULE
    by_category: dict[str, policy.Rule] = {}
    by_product: dict[int, policy.Rule] = {}
    for row in ReturnRule.objects.filter(brand=brand):
        rule = rule_from_model(row)
        if row.product_id is not None:
            by_product[row.product_id] = rule
        elif row.category:
            by_category[row.category] = rule
        else:
            default = rule
    extra = {}
    if settings is not None:
        extra = {
            "credit_bonus_percent": settings.credit_bonus_percent,
            "auto_approve": settings.auto_approve,
            "return_method": settings.return_method,
            "processing_days": settings.processing_days,
        }
    return policy.PolicyBook(
        time_zone=brand.timezone,
        default=default,
        by_category=by_category,
        by_product=by_product,
        **extra,  # type: ignore[arg-type]
    )


def returned_quantities(*, order_id: int) -> dict[int, int]:
    """How many of each order line are already held by returns that still count."""
    rows = (
        ReturnLine.objects.filter(return_request__order_id=order_id)
        .exclude(return_request__status__in=RELEASED_STATUSES)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["order_line_id"]: row["total"] or 0 for row in rows}


@dataclass(frozen=True)
class LineOption:
    """One order line as the portal offers it."""

    line: OrderLine
    rule: policy.Rule
    verdict: policy.Verdict
    remaining: int
    variants: tuple[Product, ...]
    delivered_at: datetime | None

    @property
    def eligible(self) -> bool:
        return self.verdict.eligible


def _variants(lines: list[OrderLine]) -> dict[int, tuple[Product, ...]]:
    groups = {line.product.variant_group for line in lines if line.product.variant_group}
    if not groups:
        return {}
    brand_id = lines[0].product.brand_id
    by_group: dict[str, list[Product]] = defaultdict(list)
    for product in Product.objects.filter(
        brand_id=brand_id, variant_group__in=groups, in_stock=True
    ).order_by("title"):
        by_group[product.variant_group].append(product)
    return {
        line.id: tuple(p for p in by_group.get(line.product.variant_group, []) if p.id != line.product_id)
        for line in lines
        if line.product.variant_group
    }


def order_options(*, order: Order, book: policy.PolicyBook, now: datetime) -> list[LineOption]:
    """Every line of the order with its rule, whether it can go back now, and how many are left.

    A constant number of queries whatever the order holds.
    """
    lines = list(OrderLine.objects.filter(order=order).select_related("product"))
    delivered = tracking_selectors.delivered_at_by_order_line(order_id=order.id)
    returned = returned_quantities(order_id=order.id)
    variants = _variants(lines)
    options = []
    for line in lines:
        rule = book.rule_for(product_id=line.product_id, category=line.product.category)
        remaining = line.quantity - returned.get(line.id, 0)
        options.append(
            LineOption(
                line=line,
                rule=rule,
                verdict=policy.verdict(
                    rule=rule,
                    product_returnable=line.product.returnable,
                    delivered_at=delivered.get(line.id),
                    ordered_at=order.placed_at,
                    now=now,
                    time_zone=book.time_zone,
                    remaining=remaining,
                    cancelled=order.cancelled_at is not None,
                ),
                remaining=max(0, remaining),
                variants=variants.get(line.id, ()),
                delivered_at=delivered.get(line.id),
            )
        )
    return options


def active_reasons(*, brand: Brand) -> list[ReturnReason]:
    return list(ReturnReason.objects.filter(brand=brand, active=True))


def order_for_portal(*, brand: Brand, order_id: int) -> Order | None:
    return Order.objects.filter(brand=brand, id=order_id).select_related("customer").first()


def returns_with_details() -> QuerySet[Return]:
    return Return.objects.select_related("order", "reason", "brand", "return_shipment").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line__product", "exchange_for")),
        "photos",
    )


def return_for_shopper(*, brand: Brand, token: str) -> Return | None:
    return returns_with_details().filter(brand=brand, token=token).first()


def returns_for_api(*, brand: Brand, status: str = "") -> QuerySet[Return]:
    queryset = returns_with_details().filter(brand=brand).order_by("-requested_at", "-id")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def return_by_rma(*, brand: Brand, rma: str) -> Return | None:
    return returns_with_details().filter(brand=brand, rma=rma).first()


def order_return_state(*, order_id: int) -> str:
    """'refunded' when money went back for some of the order's items, 'open' while a return is under
    way, '' when nothing came back (rejected, closed and exchanged returns do not count); one query."""
    statuses = set(
        Return.objects.filter(order_id=order_id)
        .exclude(status__in=[*RELEASED_STATUSES, ReturnStatus.EXCHANGED])
        .values_list("status", flat=True)
    )
    if statuses & {ReturnStatus.REFUNDED, ReturnStatus.CREDITED}:
        return "refunded"
    return "open" if statuses else ""


def brand_ids_where_staff_move_returns(*, user: Any) -> set[int] | None:
    """The brands in which this user may approve, reject, receive, inspect and resolve returns; None:
    every brand (superuser). Holding the permission through one brand's role gives none in another."""
    return brand_ids_granting(user, "returns.change_return")


# ---- console figures -------------------------------------------------------------------------------

# What a figure of "money" counts: returns still going or done; rejected and closed ones gave nothing back.
_LIVE = ~Q(status__in=RELEASED_STATUSES)


@dataclass(frozen=True)
class ReasonFigures:
    reason_id: int
    label: str
    returns: int
    returns_prev: int


@dataclass(frozen=True)
class ProductFigures:
    product_id: int
    title: str
    items: int
    returns: int


@dataclass(frozen=True)
class ResolutionFigures:
    """Returns requested in a period with one resolution and currency; amounts only of live returns."""

    resolution: str
    currency: str
    returns: int
    returns_prev: int
    amount: Decimal
    amount_prev: Decimal


def _requested_between(brand_ids: Sequence[int], period: Period) -> QuerySet[Return]:
    return Return.objects.filter(
        brand_id__in=brand_ids, requested_at__gte=period.previous.start, requested_at__lt=period.end
    )


def return_figures_by_reason(*, brand_ids: Sequence[int], period: Period) -> list[ReasonFigures]:
    """Returns requested in the period and the one before, by reason; one query."""
    current_q = Q(requested_at__gte=period.start)
    rows = (
        _requested_between(brand_ids, period)
        .values("reason_id")
        .annotate(
            label=Max("reason__label"),
            returns=Count("id", filter=current_q),
            returns_prev=Count("id", filter=~current_q),
        )
        .order_by("-returns", "label")
    )
    return [ReasonFigures(**row) for row in rows]


def return_figures_by_product(
    *, brand_ids: Sequence[int], period: Period, limit: int = 10
) -> list[ProductFigures]:
    """The products most often sent back in the period (items and returns); one query."""
    rows = (
        ReturnLine.objects.filter(
            return_request__brand_id__in=brand_ids,
            return_request__requested_at__gte=period.start,
            return_request__requested_at__lt=period.end,
        )
        .values(product_id=F("order_line__product_id"))
        .annotate(
            title=Max("order_line__product__title"),
            items=Sum("quantity"),
            returns=Count("return_request_id", distinct=True),
        )
        .order_by("-items", "title")[:limit]
    )
    return [ProductFigures(**row) for row in rows]


def return_figures_by_resolution(*, brand_ids: Sequence[int], period: Period) -> list[ResolutionFigures]:
    """Returns requested in the period and the one before by resolution and currency, with what the
    live ones give back; one query."""
    current_q = Q(requested_at__gte=period.start)
    zero = Value(Decimal("0.00"))
    rows = (
        _requested_between(brand_ids, period)
        .values("resolution", "currency")
        .annotate(
            returns=Count("id", filter=current_q),
            returns_prev=Count("id", filter=~current_q),
            given=Coalesce(Sum("amount", filter=current_q & _LIVE), zero),
            given_prev=Coalesce(Sum("amount", filter=~current_q & _LIVE), zero),
        )
        .order_by("resolution", "currency")
    )
    return [
        ResolutionFigures(
            resolution=row["resolution"],
            currency=row["currency"],
            returns=row["returns"],
            returns_prev=row["returns_prev"],
            amount=row["given"],
            amount_prev=row["given_prev"],
        )
        for row in rows
    ]
