"""factory_boy factories for the models every app's tests need."""

from datetime import UTC, datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from brands.models import Brand
from orders.models import Customer, Order, OrderLine, Product


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"brand-{n}")
    name = factory.Sequence(lambda n: f"Brand {n}")
    default_locale = "en"
    enabled_locales = factory.LazyFunction(lambda: ["en", "ro", "pl", "ru"])
    timezone = "Europe/Bucharest"
    support_email = "help@brand.example"
    support_phone = "+40212345678"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@staff.example")
    password = factory.django.Password("pw")


def _consent(customer: Customer, create: bool, channel: str, granted: bool) -> None:
    from orders.services import FLAG_OF_CHANNEL, consent_record

    if create and granted:
        outcome = consent_record(customer_id=customer.id, channel=channel, granted=True, source="import")
        granted = outcome.granted
    setattr(customer, FLAG_OF_CHANNEL[channel], granted)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    phone = "+40721234567"
    first_name = "Ioana"
    last_name = "Popescu"
    locale = "en"

    @factory.post_generation
    def sms_consent(obj: Customer, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Consent is a record, as in production; the flag follows from it."""
        _consent(obj, create, "sms", True if extracted is None else extracted)

    @factory.post_generation
    def marketing_consent(obj: Customer, create: bool, extracted: bool | None, **kwargs: object) -> None:
        _consent(obj, create, "email", True if extracted is None else extracted)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    title = factory.Sequence(lambda n: f"Product {n}")
    category = "apparel"
    price = Decimal("25.00")
    currency = "EUR"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    brand = factory.SubFactory(BrandFactory)
    customer = factory.SubFactory(CustomerFactory, brand=factory.SelfAttribute("..brand"))
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    number = factory.Sequence(lambda n: f"{10000 + n}")
    placed_at = factory.LazyFunction(lambda: datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
    currency = "EUR"
    total = Decimal("50.00")
    shipping_postal_code = "010011"
    shipping_country = "RO"
    shipping_city = "București"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory, brand=factory.SelfAttribute("..order.brand"))
    external_id = factory.Sequence(lambda n: f"line-{n}")
    title = factory.SelfAttribute("product.title")
    quantity = 1
    unit_price = Decimal("25.00")
