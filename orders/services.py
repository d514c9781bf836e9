"""Writes for customers, products and orders. Only these functions save order models."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from common import page_versions
from common.plausible_dates import ORDER_AHEAD, implausible_time
from orders.models import (
    SHOPPER_SOURCES,
    ConsentChannel,
    ConsentRecord,
    ConsentSource,
    Customer,
    Order,
    OrderLine,
    Product,
)


@dataclass(frozen=True)
class CustomerInput:
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    external_id: str = ""
    locale: str = ""
    birthday: date | None = None
    marketing_consent: bool | None = None
    sms_consent: bool | None = None


@dataclass(frozen=True)
class LineInput:
    sku: str
    title: str
    quantity: int
    unit_price: Decimal
    external_id: str = ""
    category: str = ""
    image_url: str = ""
    returnable: bool | None = None


@dataclass(frozen=True)
class AddressInput:
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class OrderInput:
    external_id: str
    number: str
    placed_at: datetime
    currency: str
    customer: CustomerInput
    lines: Sequence[LineInput]
    shipping_address: AddressInput = field(default_factory=AddressInput)
    subtotal: Decimal | None = None
    shipping_total: Decimal = Decimal("0.00")
    tax_total: Decimal = Decimal("0.00")
    discount_total: Decimal = Decimal("0.00")
    total: Decimal | None = None
    locale: str = ""
    cancelled_at: datetime | None = None
    source: str = "api"
    updated_at: datetime | None = None  # the store's own last change; older updates are not applied


@dataclass(frozen=True)
class UpsertResult:
    order: Order
    created: bool
    applied: bool = True  # False: the update was not newer than the order we hold


# Other apps (notifications, loyalty) react to a new order; they register here instead of
# this app importing them, so orders stays at the bottom of the dependency graph.
ORDER_CREATED_HOOKS: list[Callable[[Order], None]] = []


# The Customer flag each consent channel derives.
FLAG_OF_CHANNEL: dict[str, str] = {
    ConsentChannel.SMS: "sms_consent",
    ConsentChannel.EMAIL: "marketing_consent",
}


@dataclass(frozen=True)
class ConsentOutcome:
    granted: bool  # the customer's flag for the channel, after this statement
    applied: bool  # False when the statement was outranked (or repeated) and changed nothing


@transaction.atomic
def consent_record(
    *,
    customer_id: int,
    channel: str,
    granted: bool,
    source: str,
    occurred_at: datetime | None = None,
    detail: str = "",
    purpose: str = "marketing",
) -> ConsentOutcome:
    """Record one consent statement and derive the customer's flag from the precedence rule.

    The shopper's own withdrawal (STOP, unsubscribe, the shopper's form) yields only to a newer
    opt-in by the shopper (START, the shopper's form): never to a store payload or a merchant edit.
    A store repeating what it said last time records nothing.
    """
    field = FLAG_OF_CHANNEL[channel]
    customer = Customer.objects.select_for_update().get(id=customer_id)
    current = bool(getattr(customer, field))
    history = ConsentRecord.objects.filter(customer_id=customer_id, channel=channel)
    if source not in SHOPPER_SOURCES:
        last_same = history.filter(source=source).only("granted").first()
        if last_same is not None and last_same.granted == granted:
            return ConsentOutcome(granted=current, applied=False)
    shopper_said = history.filter(source__in=SHOPPER_SOURCES).only("granted").first()
    outranked = (
        granted and source not in SHOPPER_SOURCES and shopper_said is not None and not shopper_said.granted
    )
    ConsentRecord.objects.create(
        customer_id=customer_id,
        channel=channel,
        purpose=purpose,
        granted=granted,
        source=source,
        occurred_at=occurred_at or timezone.now(),
        detail=detail[:255],
        applied=not outranked,
    )
    if outranked or current == granted:
        return ConsentOutcome(granted=current, applied=not outranked)
    Customer.objects.filter(id=customer_id).update(**{field: granted, "updated_at": timezone.now()})
    page_versions.customer_changed(customer_id=customer_id)
    return ConsentOutcome(granted=granted, applied=True)


def customer_upsert(
    *, brand: Brand, data: CustomerInput, consent_source: str = ConsentSource.STORE, consent_detail: str = ""
) -> Customer:
    """Find the brand's customer by external id, then email; create or update it."""
    customer = None
    if data.external_id:
        customer = Customer.objects.filter(brand=brand, external_id=data.external_id).first()
    if customer is None and data.email:
        customer = Customer.objects.filter(brand=brand, email__iexact=data.email).first()
    if customer is None:
        customer = Customer(brand=brand)
    email = data.email.strip().lower()
    if (
        email
        and email != customer.email
        and Customer.objects.filter(brand=brand, email__iexact=email).exclude(pk=customer.pk).exists()
    ):
        raise ValidationError(
            {
                "customer": [
                    _("The email %(email)s belongs to another customer of this brand.") % {"email": email}
                ]
            }
        )
    updates = {
        "external_id": data.external_id,
        "email": email,
        "phone": data.phone,
        "first_name": data.first_name,
        "last_name": data.last_name,
        "locale": data.locale,
        "birthday": data.birthday,
    }
    for name, value in updates.items():
        if value not in ("", None):
            setattr(customer, name, value)
    if customer.pk is None:
        customer.save()
    else:
        # Never rewrite the consent flags from a stale copy: a STOP may have landed meanwhile.
        customer.save(update_fields=[*updates, "updated_at"])
    # Consent is never copied from the payload: it is a statement, weighed against the shopper's own.
    for channel, said in (
        (ConsentChannel.SMS, data.sms_consent),
        (ConsentChannel.EMAIL, data.marketing_consent),
    ):
        if said is not None:
            outcome = consent_record(
                customer_id=customer.id,
                channel=channel,
                granted=said,
                source=consent_source,
                detail=consent_detail,
            )
            setattr(customer, FLAG_OF_CHANNEL[channel], outcome.granted)
    return customer


def product_for_line(*, brand: Brand, line: LineInput, currency: str) -> Product:
    product, created = Product.objects.get_or_create(
        brand=brand,
        sku=line.sku,
        defaults={
            "title": line.title,
            "category": line.category,
            "image_url": line.image_url,
            "price": line.unit_price,
            "currency": currency,
            "returnable": True if line.returnable is None else line.returnable,
        },
    )
    if not created:
        changed = []
        for name, value in (("category", line.category), ("image_url", line.image_url)):
            if value and getattr(product, name) != value:
                setattr(product, name, value)
                changed.append(name)
        if line.returnable is not None and product.returnable != line.returnable:
            product.returnable = line.returnable
            changed.append("returnable")
        if changed:
            product.save(update_fields=changed)
    return product


def _line_external_ids(lines: Sequence[LineInput]) -> list[str]:
    """Lines without a store id are keyed by SKU (and position when a SKU repeats)."""
    seen: dict[str, int] = {}
    keys = []
    for line in lines:
        key = line.external_id or line.sku
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def order_upsert(*, brand: Brand, data: OrderInput) -> UpsertResult:
    """Create the order, or update it when the brand already has this external id; idempotent."""
    for _attempt in range(2):
        try:
            return _order_upsert_once(brand=brand, data=data)
        except IntegrityError:
            # A concurrent call created the same order first: the second pass updates it.
            continue
    return _order_upsert_once(brand=brand, data=data)


def _validate_times(data: OrderInput) -> None:
    """No order is placed, changed or cancelled before 2000 or tomorrow."""
    now = timezone.now()
    errors = {
        name: [reason]
        for name, value in (
            ("placed_at", data.placed_at),
            ("cancelled_at", data.cancelled_at),
            ("updated_at", data.updated_at),
        )
        if value is not None
        and (
            reason := implausible_time(
                value, now=now, ahead=ORDER_AHEAD, what=name.replace("_", " ").capitalize()
            )
        )
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def _order_upsert_once(*, brand: Brand, data: OrderInput) -> UpsertResult:
    _validate_times(data)
    order = Order.objects.select_for_update().filter(brand=brand, external_id=data.external_id).first()
    created = order is None
    if (
        order is not None
        and data.updated_at is not None
        and order.source_updated_at is not None
        and data.updated_at <= order.source_updated_at
    ):
        # Stores deliver webhooks out of order: an older state must not undo a newer one
        # (a cancellation, an address change).
        return UpsertResult(order=order, created=False, applied=False)
    if Order.objects.filter(brand=brand, number=data.number).exclude(external_id=data.external_id).exists():
        raise ValidationError(
            {"number": [_("Order number %(number)s belongs to another order.") % {"number": data.number}]}
        )
    customer = customer_upsert(
        brand=brand, data=data.customer, consent_detail=f"order {data.number} via {data.source}"
    )
    lines_total = sum((line.unit_price * line.quantity for line in data.lines), Decimal("0.00"))
    subtotal = data.subtotal if data.subtotal is not None else lines_total
    total = (
        data.total
        if data.total is not None
        else subtotal + data.shipping_total + data.tax_total - data.discount_total
    )
    address = data.shipping_address
    values = {
        "customer": customer,
        "number": data.number,
        "placed_at": data.placed_at,
        "cancelled_at": data.cancelled_at,
        "currency": data.currency,
        "subtotal": subtotal,
        "shipping_total": data.shipping_total,
        "tax_total": data.tax_total,
        "discount_total": data.discount_total,
        "total": total,
        "shipping_name": address.name,
        "shipping_line1": address.line1,
        "shipping_line2": address.line2,
        "shipping_city": address.city,
        "shipping_region": address.region,
        "shipping_postal_code": address.postal_code,
        "shipping_country": address.country.upper(),
        "locale": data.locale or customer.locale,
        "source": data.source,
        "source_updated_at": data.updated_at or (order.source_updated_at if order else None),
    }
    if order is None:
        with transaction.atomic():
            order = Order.objects.create(brand=brand, external_id=data.external_id, **values)
    else:
        for name, value in values.items():
            setattr(order, name, value)
        order.save()

    existing = {line.external_id: line for line in order.lines.all()}
    keep: set[str] = set()
    for key, line in zip(_line_external_ids(data.lines), data.lines, strict=True):
        keep.add(key)
        product = product_for_line(brand=brand, line=line, currency=data.currency)
        current = existing.get(key)
        if current is None:
            OrderLine.objects.create(
                order=order,
                product=product,
                external_id=key,
                title=line.title,
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
        elif (current.product_id, current.title, current.quantity, current.unit_price) != (
            product.id,
            line.title,
            line.quantity,
            line.unit_price,
        ):
            current.product = product
            current.title = line.title
            current.quantity = line.quantity
            current.unit_price = line.unit_price
            current.save()
    for key, stale in existing.items():
        if key not in keep:
            try:
                with transaction.atomic():
                    stale.delete()
            except ProtectedError:
                pass  # shipped or returned lines stay: their history outlives the store's edit
    if created:
        for hook in ORDER_CREATED_HOOKS:
            hook(order)
    return UpsertResult(order=order, created=created)
