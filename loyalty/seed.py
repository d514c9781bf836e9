"""Demo loyalty: a programme and tiers per brand (named in every language), a few ledger entries."""

from decimal import Decimal

from brands.models import Brand
from demo.seed import DEMO_BRANDS
from loyalty import services
from loyalty.models import EntryKind, LoyaltyProgramme, LoyaltyTier
from orders.models import Customer

TIERS = (
    (
        0,
        "Member",
        "Points on every order.",
        {
            "ro": {"name": "Membru", "perks": "Puncte la fiecare comandă."},
            "pl": {"name": "Członek", "perks": "Punkty za każde zamówienie."},
            "ru": {"name": "Участник", "perks": "Баллы за каждый заказ."},
        },
    ),
    (
        500,
        "Silver",
        "Free shipping on every order.",
        {
            "ro": {"name": "Argint", "perks": "Livrare gratuită la fiecare comandă."},
            "pl": {"name": "Srebrny", "perks": "Darmowa dostawa każdego zamówienia."},
            "ru": {"name": "Серебро", "perks": "Бесплатная доставка каждого заказа."},
        },
    ),
    (
        2000,
        "Gold",
        "Free shipping, early access to sales and free returns.",
        {
            "ro": {"name": "Aur", "perks": "Livrare gratuită, acces din timp la reduceri și retur gratuit."},
            "pl": {
                "name": "Złoty",
                "perks": "Darmowa dostawa, wcześniejszy dostęp do wyprzedaży i darmowe zwroty.",
            },
            "ru": {
                "name": "Золото",
                "perks": "Бесплатная доставка, ранний доступ к распродажам и бесплатный возврат.",
            },
        },
    ),
)
STORE_URLS = {
    "northwind": "https://shop.northwind.example/",
    "casa-verde": "https://magazin.casaverde.example/",
    "bursztyn": "https://sklep.bursztyn.example/",
}


def seed_loyalty() -> list[str]:
    """Idempotent: programmes and tiers are upserted, demo entries carry source keys."""
    lines = ["Loyalty:"]
    for spec in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=spec.slug).first()
        if brand is None:
            continue
        whole_units = spec.currency in ("RON", "PLN")
        LoyaltyProgramme.objects.update_or_create(
            brand=brand,
            defaults={
                "currency": spec.currency,
                "points_per_unit": Decimal("1") if whole_units else Decimal("10"),
                "point_value": Decimal("0.05") if whole_units else Decimal("0.01"),
                "redeem_step": 100,
                "expiry_months": 18,
                "store_url": STORE_URLS.get(spec.slug, ""),
            },
        )
        for min_points, name, perks, translations in TIERS:
            LoyaltyTier.objects.update_or_create(
                brand=brand,
                min_points=min_points,
                defaults={"name": name, "perks": perks, "translations": translations},
            )
        for index, customer in enumerate(Customer.objects.filter(brand=brand).order_by("id")[:3]):
            services.ledger_record(
                customer_id=customer.id,
                movement=services.Movement(
                    kind=EntryKind.ADJUST,
                    points=300 * (index + 1),
                    reason="Welcome bonus",
                    source_key=f"demo:welcome:{customer.id}",
                ),
            )
        lines.append(f"  {brand.name}: programme, {len(TIERS)} tiers, welcome points for 3 members")
    return lines
