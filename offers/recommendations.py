"""Recommendations: brand rules (category → categories) and co-purchase counts of the brand's orders,
computed by a periodic task into a table the tracking page reads in one query."""

from collections import Counter, defaultdict
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from common import page_versions
from offers.models import Recommendation, RecommendationRule
from orders.models import Order, OrderLine, Product

PER_CUSTOMER = 6
RULE_WEIGHT = 1.0
CO_PURCHASE_WEIGHT = 2.0
RECENT = timedelta(days=365)


def co_purchase_counts(*, brand_id: int) -> dict[int, Counter[int]]:
    """product → {other product: orders holding both}; one aggregate query."""
    sql = """
        SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id)
        FROM orders_orderline a
        JOIN orders_orderline b ON a.order_id = b.order_id AND a.product_id <> b.product_id
        JOIN orders_order o ON o.id = a.order_id
        WHERE o.brand_id = %s AND o.cancelled_at IS NULL
        GROUP BY a.product_id, b.product_id
    """
    pairs: dict[int, Counter[int]] = defaultdict(Counter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [brand_id])
        for product_id, other_id, orders in cursor.fetchall():
            pairs[product_id][other_id] = orders
    return pairs


def recommendations_compute(*, brand_id: int) -> int:
    """Recompute every recent customer's picks; returns how many customers got some. Idempotent."""
    products = {p.id: p for p in Product.objects.filter(brand_id=brand_id)}
    sold = _units_sold(brand_id)
    pairs = co_purchase_counts(brand_id=brand_id)
    rules = {
        rule.category: rule.suggest_categories
        for rule in RecommendationRule.objects.filter(brand_id=brand_id)
    }
    by_category: dict[str, list[Product]] = defaultdict(list)
    for product in products.values():
        if product.in_stock:
            by_category[product.category].append(product)
    bought: dict[int, set[int]] = defaultdict(set)
    since = timezone.now() - RECENT
    recent = Order.objects.filter(brand_id=brand_id, placed_at__gte=since).values("customer_id")
    for customer_id, product_id in (
        OrderLine.objects.filter(order__brand_id=brand_id, order__customer_id__in=recent)
        .values_list("order__customer_id", "product_id")
        .distinct()
    ):
        bought[customer_id].add(product_id)
    served = 0
    for customer_id, product_ids in bought.items():
        owned = {
            products[p].variant_group for p in product_ids if p in products and products[p].variant_group
        }
        scores: dict[int, float] = defaultdict(float)
        for product_id in product_ids:
            for other_id, orders in pairs.get(product_id, Counter()).items():
                scores[other_id] += CO_PURCHASE_WEIGHT * orders
            bought_product = products.get(product_id)
            for category in rules.get(bought_product.category, []) if bought_product else []:
                for candidate in by_category.get(category, []):
                    scores[candidate.id] += RULE_WEIGHT + sold[candidate.id] / 1000
        picks = [
            (product_id, score)
            for product_id, score in sorted(scores.items(), key=lambda item: (-item[1], item[0]))
            if product_id in products
            and product_id not in product_ids
            and products[product_id].in_stock
            and not (products[product_id].variant_group and products[product_id].variant_group in owned)
        ][:PER_CUSTOMER]
        with transaction.atomic():
            Recommendation.objects.filter(customer_id=customer_id).delete()
            Recommendation.objects.bulk_create(
                Recommendation(brand_id=brand_id, customer_id=customer_id, product_id=pid, score=score)
                for pid, score in picks
            )
            page_versions.customer_changed(customer_id=customer_id)
        served += bool(picks)
    return served


def _units_sold(brand_id: int) -> Counter[int]:
    from django.db.models import Sum

    rows = (
        OrderLine.objects.filter(order__brand_id=brand_id)
        .values("product_id")
        .annotate(units=Sum("quantity"))
        .values_list("product_id", "units")
    )
    return Counter(dict(rows))


def recommendations_for_page(*, customer_id: int, limit: int = 4) -> list[Product]:
    """The customer's picks still in stock, best first; one query."""
    rows = (
        Recommendation.objects.filter(customer_id=customer_id, product__in_stock=True)
        .select_related("product")
        .order_by("-score", "product_id")[:limit]
    )
    return [row.product for row in rows]


def recommendations_compute_all() -> int:
    from brands.models import Brand

    return sum(
        recommendations_compute(brand_id=brand_id)
        for brand_id in Brand.objects.filter(id__in=Order.objects.values("brand_id").distinct()).values_list(
            "id", flat=True
        )
    )


MESSAGE_TRIGGERS = frozenset({"delivered", "feedback_request"})


def recommendations_for_message(trigger: str, customer_id: int) -> dict[str, str]:
    """A few picks for the delivered and feedback messages, as plain text; one query."""
    if trigger not in MESSAGE_TRIGGERS:
        return {}
    titles = [product.title for product in recommendations_for_page(customer_id=customer_id, limit=3)]
    return {"recommendations": ", ".join(titles)} if titles else {}
