"""Reads for orders."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from brands.models import Brand
from orders.models import Order, OrderLine


def order_list(
    *,
    brand: Brand,
    number: str = "",
    email: str = "",
    placed_after: datetime | None = None,
    placed_before: datetime | None = None,
) -> QuerySet[Order]:
    """The brand's orders, newest first, with customer and lines loaded in two queries."""
    queryset = (
        Order.objects.filter(brand=brand)
        .select_related("customer", "brand")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")))
    )
    if number:
        queryset = queryset.filter(number=number)
    if email:
        queryset = queryset.filter(customer__email__iexact=email)
    if placed_after:
        queryset = queryset.filter(placed_at__gte=placed_after)
    if placed_before:
        queryset = queryset.filter(placed_at__lt=placed_before)
    return queryset


def order_get(*, brand: Brand, order_id: int) -> Order | None:
    return order_list(brand=brand).filter(id=order_id).first()
