"""Reads for orders."""

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from brands.models import Brand
from orders.models import Order, OrderLine, Product


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
        # Said as the customers' (brand, lower(email)) index is written, condition included, so it is read.
        queryset = queryset.filter(
            Exact(Lower("customer__email"), email.lower()), customer__brand=brand
        ).exclude(customer__email="")
    if placed_after:
        queryset = queryset.filter(placed_at__gte=placed_after)
    if placed_before:
        queryset = queryset.filter(placed_at__lt=placed_before)
    return queryset


def order_get(*, brand: Brand, order_id: int) -> Order | None:
    return order_list(brand=brand).filter(id=order_id).first()


def product_categories(*, brand_ids: Collection[int] | None) -> list[str]:
    """The categories the products of these brands (every brand when None) are filed under, sorted."""
    products = Product.objects.exclude(category="")
    if brand_ids is not None:
        products = products.filter(brand_id__in=brand_ids)
    return sorted(set(products.values_list("category", flat=True).distinct()))


def categories_without_products(*, brand_id: int, categories: Iterable[str]) -> list[str]:
    """Those of these categories no product of the brand is filed under: a rule on them never fires."""
    wanted = {category for category in categories if category}
    found = set(
        Product.objects.filter(brand_id=brand_id, category__in=wanted).values_list("category", flat=True)
    )
    return sorted(wanted - found)
