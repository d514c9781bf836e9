"""Demo returns: per-brand policy rules and reasons, and a few returns in different states."""

from decimal import Decimal

from django.urls import reverse

from brands.models import Brand
from common.urls import absolute_url
from demo.seed import DEMO_BRANDS
from orders.models import Order
from returns import services
from returns.models import Return, ReturnReason

CURRENCY_BY_BRAND = {spec.slug: spec.currency for spec in DEMO_BRANDS}
RETURN_ADDRESSES = {
    "northwind": "Northwind Returns\n2200 W Fulton St\nChicago, IL 60612",
    "casa-verde": "Casa Verde — Retururi\nStr. Depozitului 4\n077190 Voluntari",
    "bursztyn": "Bursztyn — Zwroty\nul. Magazynowa 7\n32-050 Skawina",
}
# (order number, [(sku, quantity)], reason code, resolution, statuses to walk through)
DEMO_RETURNS: tuple[tuple[str, list[tuple[str, int]], str, str, list[str]], ...] = (
    ("1002", [("TEE-M", 1)], "too-small", "exchange", ["in_transit"]),
    ("1007", [("MUG-01", 1)], "damaged", "refund", []),
    ("1004", [("MUG-01", 2)], "changed-mind", "store_credit", ["received", "credited"]),
)


def _policy(brand: Brand) -> None:
    currency = CURRENCY_BY_BRAND.get(brand.slug, "EUR")
    fee = Decimal("15.00") if currency in ("RON", "PLN") else Decimal("5.95")
    services.policy_settings_set(
        brand=brand,
        credit_bonus_percent=Decimal("10"),
        currency=currency,
        return_address=RETURN_ADDRESSES.get(brand.slug, ""),
        processing_days=5,
    )
    services.rule_set(brand=brand, window_days=30)
    services.rule_set(
        brand=brand, category="apparel", window_days=60, return_shipping_fee=fee, tags_required=True
    )
    services.rule_set(
        brand=brand,
        category="phones",
        window_days=14,
        restocking_fee_percent=Decimal("10"),
        allow_exchange=False,
    )
    services.rule_set(brand=brand, category="home", keep_it_threshold=Decimal("15.00"))
    services.rule_set(brand=brand, category="gift-cards", final_sale=True)
    services.reasons_ensure_defaults(brand=brand)


def seed_returns() -> list[str]:
    """Idempotent: returns are only created for demo orders that have none yet."""
    lines = ["Returns portal and policy pages:"]
    for spec in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=spec.slug).first()
        if brand is None:
            continue
        _policy(brand)
        services.policy_settings_set(brand=brand, auto_approve=True)
        for number, wanted, reason_code, resolution, path in DEMO_RETURNS:
            order = Order.objects.filter(brand=brand, number=number).first()
            if order is None or Return.objects.filter(order=order).exists():
                continue
            by_sku = {line.product.sku: line for line in order.lines.select_related("product")}
            requested = [
                services.RequestedLine(order_line_id=by_sku[sku].id, quantity=quantity)
                for sku, quantity in wanted
                if sku in by_sku
            ]
            reason = ReturnReason.objects.get(brand=brand, code=reason_code)
            try:
                ret = (
                    services.return_request(
                        brand=brand,
                        order_id=order.id,
                        lines=requested,
                        reason_id=reason.id,
                        resolution=resolution,
                        comment="Demo return",
                        photos=(),
                        actor=services.Actor("demo"),
                    )
                    if not reason.requires_photo
                    else _without_photo(brand, order, requested, reason, resolution)
                )
            except Exception as exc:  # demo data never blocks the demo
                lines.append(f"  (skipped a demo return of {brand.name} #{number}: {exc})")
                continue
            for status in path:
                services.return_transition(return_id=ret.id, to_status=status, actor=services.Actor("demo"))
        lines.append(
            f"  {brand.name}: {absolute_url(reverse('returns-lookup', kwargs={'brand_slug': brand.slug}))} · "
            f"{absolute_url(reverse('returns-policy', kwargs={'brand_slug': brand.slug}))}"
        )
    return lines


def _without_photo(
    brand: Brand, order: Order, requested: list[services.RequestedLine], reason: ReturnReason, resolution: str
) -> Return:
    """A damaged-item demo return waits for a person; its photo is a generated image."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from returns.photos import check_photo

    buffer = io.BytesIO()
    image = Image.new("RGB", (480, 360), (235, 230, 220))
    ImageDraw.Draw(image).line((60, 60, 420, 300), fill=(150, 30, 30), width=12)
    image.save(buffer, "JPEG", quality=80)
    upload = SimpleUploadedFile("damage.jpg", buffer.getvalue(), content_type="image/jpeg")
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=requested,
        reason_id=reason.id,
        resolution=resolution,
        comment="The mug arrived with a crack along the handle.",
        photos=[check_photo(upload, size=len(buffer.getvalue()))],
        actor=services.Actor("demo"),
    )
