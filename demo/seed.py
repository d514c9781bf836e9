"""Idempotent demo data: brands in different languages, staff per role, customers and orders.

Other apps add their own demo steps (shipments in every status, returns, FAQ…) by appending to
DEMO_STEPS from their AppConfig.ready; each step is idempotent and returns lines to print.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from brands import services as brand_services
from brands.models import Brand, Role
from orders import services as order_services
from orders.models import Order

DEMO_PASSWORD = "postpurchase"  # noqa: S105 -- printed by `make run`; demo logins only


@dataclass(frozen=True)
class DemoBrand:
    slug: str
    name: str
    locale: str
    locales: tuple[str, ...]
    timezone: str
    primary: str
    accent: str
    font: str
    support_email: str
    support_phone: str
    country: str
    currency: str
    city: str
    postal_code: str
    customers: tuple[tuple[str, str, str, str, str], ...]  # first, last, email, phone, locale


DEMO_BRANDS: tuple[DemoBrand, ...] = (
    DemoBrand(
        slug="northwind",
        name="Northwind Outfitters",
        locale="en",
        locales=("en", "ru", "pl", "ro"),
        timezone="America/Chicago",
        primary="#1f3a5f",
        accent="#c2410c",
        font="humanist",
        support_email="help@northwind.example",
        support_phone="+13125550142",
        country="US",
        currency="USD",
        city="Chicago",
        postal_code="60614",
        customers=(
            ("Avery", "Jordan", "avery@example.com", "+13125550177", "en"),
            ("Olga", "Smirnova", "olga@example.com", "+13125550178", "ru"),
        ),
    ),
    DemoBrand(
        slug="casa-verde",
        name="Casa Verde",
        locale="ro",
        locales=("ro", "en"),
        timezone="Europe/Bucharest",
        primary="#14532d",
        accent="#a16207",
        font="serif",
        support_email="ajutor@casaverde.example",
        support_phone="+40212345678",
        country="RO",
        currency="RON",
        city="București",
        postal_code="010011",
        customers=(
            ("Ioana", "Popescu", "ioana@example.com", "+40721234567", "ro"),
            ("Ștefan", "Țurcanu", "stefan@example.com", "+40731234567", "ro"),
        ),
    ),
    DemoBrand(
        slug="bursztyn",
        name="Bursztyn",
        locale="pl",
        locales=("pl", "en"),
        timezone="Europe/Warsaw",
        primary="#7c2d12",
        accent="#0f766e",
        font="geometric",
        support_email="pomoc@bursztyn.example",
        support_phone="+48221234567",
        country="PL",
        currency="PLN",
        city="Kraków",
        postal_code="31-042",
        customers=(
            ("Łukasz", "Wiśniewski", "lukasz@example.com", "+48501234567", "pl"),
            ("Zofia", "Kowalska", "zofia@example.com", "+48601234567", "pl"),
        ),
    ),
)

# (sku, title, category, price) — prices in the brand's currency.
DEMO_PRODUCTS: tuple[tuple[str, str, str, Decimal], ...] = (
    ("PHN-01", "Aurora phone 128 GB", "phones", Decimal("499.00")),
    ("CASE-01", "Aurora leather case", "phone-cases", Decimal("29.00")),
    ("HDP-01", "Wave wireless headphones", "headphones", Decimal("89.00")),
    ("TEE-M", "Organic cotton tee, M", "apparel", Decimal("25.00")),
    ("TEE-L", "Organic cotton tee, L", "apparel", Decimal("25.00")),
    ("MUG-01", "Stoneware mug", "home", Decimal("14.50")),
    ("GIFT-01", "Gift card", "gift-cards", Decimal("50.00")),
)

# What each demo order holds: (sku, quantity). Ten orders per brand, one per tracking status.
DEMO_BASKETS: tuple[tuple[tuple[str, int], ...], ...] = (
    (("PHN-01", 1), ("CASE-01", 1)),
    (("TEE-M", 2),),
    (("HDP-01", 1),),
    (("MUG-01", 4), ("TEE-L", 1)),
    (("PHN-01", 1),),
    (("CASE-01", 2), ("HDP-01", 1)),
    (("TEE-L", 1), ("MUG-01", 1)),
    (("GIFT-01", 1), ("TEE-M", 1)),
    (("HDP-01", 1), ("CASE-01", 1)),
    (("MUG-01", 2),),
)

DemoStep = Callable[[], list[str]]
DEMO_STEPS: list[DemoStep] = []


def _staff(slug: str, role: str, brand: Brand) -> str:
    username = f"{slug}-{role.replace('_', '-')}"
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@staff.example", "is_staff": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    brand_services.membership_grant(user_id=user.id, brand=brand, role=role)
    return username


def seed_brand(spec: DemoBrand) -> list[str]:
    brand, _ = Brand.objects.update_or_create(
        slug=spec.slug,
        defaults={
            "name": spec.name,
            "default_locale": spec.locale,
            "enabled_locales": list(spec.locales),
            "timezone": spec.timezone,
            "primary_colour": spec.primary,
            "accent_colour": spec.accent,
            "font": spec.font,
            "support_email": spec.support_email,
            "support_phone": spec.support_phone,
            "email_from_name": spec.name,
            "email_from_address": spec.support_email,
            "sms_from_number": spec.support_phone,
        },
    )
    logins = [_staff(spec.slug, role, brand) for role in Role.values]
    now = timezone.now()
    for index, basket in enumerate(DEMO_BASKETS):
        first, last, email, phone, locale = spec.customers[index % len(spec.customers)]
        catalogue = {sku: (title, category, price) for sku, title, category, price in DEMO_PRODUCTS}
        order_services.order_upsert(
            brand=brand,
            data=order_services.OrderInput(
                external_id=f"demo-{spec.slug}-{index + 1}",
                number=f"{1000 + index + 1}",
                placed_at=now - timedelta(days=12 - index),
                currency=spec.currency,
                locale=locale,
                customer=order_services.CustomerInput(
                    email=email,
                    phone=phone,
                    first_name=first,
                    last_name=last,
                    locale=locale,
                    marketing_consent=True,
                    sms_consent=True,
                ),
                shipping_address=order_services.AddressInput(
                    name=f"{first} {last}",
                    line1="1 Demo Street",
                    city=spec.city,
                    postal_code=spec.postal_code,
                    country=spec.country,
                ),
                lines=[
                    order_services.LineInput(
                        sku=sku,
                        title=catalogue[sku][0],
                        category=catalogue[sku][1],
                        unit_price=catalogue[sku][2],
                        quantity=quantity,
                        returnable=sku != "GIFT-01",
                    )
                    for sku, quantity in basket
                ],
                shipping_total=Decimal("9.90"),
                source="demo",
            ),
        )
    return [f"  {spec.name} ({spec.locale}): staff logins {', '.join(logins)} — password {DEMO_PASSWORD}"]


@transaction.atomic
def seed_all() -> list[str]:
    """Create or refresh every demo object; safe to run any number of times."""
    user_model = get_user_model()
    admin, created = user_model.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@staff.example"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    lines = [f"Superuser: admin / {DEMO_PASSWORD}"]
    for spec in DEMO_BRANDS:
        lines += seed_brand(spec)
    for step in DEMO_STEPS:
        lines += step()
    return lines


def demo_orders() -> list[Order]:
    return list(Order.objects.filter(source="demo").select_related("brand").order_by("brand__slug", "number"))
