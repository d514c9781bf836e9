"""Reads for returns: the brand's policy as rule objects, what an order can still send back, queues."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum

from brands.models import Brand
from brands.permissions import brand_ids_granting
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
