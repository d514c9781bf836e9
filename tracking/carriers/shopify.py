"""Shopify order and fulfillment webhooks.

Shopify signs the raw body: `X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(app secret, body))`. The
topic (orders/create, fulfillments/update, ...) travels in `X-Shopify-Topic`; the bodies are REST
Order and Fulfillment objects. Ids are 64-bit integers and are kept exact (json.loads does).
Real orders are messy — Shopify's own sample has the phone "555-555-SHIP" — so an unusable phone,
a missing email or customer, or a null address never costs us the order.
"""

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from common.locales import closest_shopper_locale
from common.phones import normalize_phone
from orders.services import AddressInput, CustomerInput, LineInput, OrderInput
from tracking.carriers import fields
from tracking.carriers.base import SAFE_FALLBACK_STATUS, PayloadError, StatusTable, carrier_slug, status_key
from tracking.carriers.signatures import header, hmac_sha256, matches_base64
from tracking.statuses import ShipmentStatus

SIGNATURE_HEADER: Final[str] = "X-Shopify-Hmac-Sha256"
# Newer Shopify libraries also accept the header without the X- prefix.
SIGNATURE_HEADERS: Final[tuple[str, ...]] = (SIGNATURE_HEADER, "Shopify-Hmac-Sha256")
SOURCE: Final[str] = "shopify"

# Fulfillment.shipment_status: Shopify's FulfillmentEventStatus, lower-case in webhooks
# (Admin API 2024-04…2025-10, DELAYED from 2025-07, CARRIER_PICKED_UP/PICKED_UP from 2025-10, and the
# Customer API's additions).
STATUS_BY_SHOPIFY: Final[Mapping[str, ShipmentStatus]] = {
    "label_printed": ShipmentStatus.INFO_RECEIVED,
    "label_purchased": ShipmentStatus.INFO_RECEIVED,
    "confirmed": ShipmentStatus.INFO_RECEIVED,  # the carrier knows of it, has not scanned it
    "carrier_picked_up": ShipmentStatus.IN_TRANSIT,
    "in_transit": ShipmentStatus.IN_TRANSIT,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "attempted_delivery": ShipmentStatus.FAILED_ATTEMPT,
    "ready_for_pickup": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "ready_for_recipient_pickup": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "picked_up": ShipmentStatus.DELIVERED,  # collected by the shopper from the pickup point
    "delivered": ShipmentStatus.DELIVERED,
    "delayed": ShipmentStatus.EXCEPTION,
    "failure": ShipmentStatus.EXCEPTION,
    "not_delivered": ShipmentStatus.EXCEPTION,
    "buyer_action_required": ShipmentStatus.EXCEPTION,
    "returning_to_sender": ShipmentStatus.RETURNED_TO_SENDER,
}
_BY_STATUS = StatusTable(STATUS_BY_SHOPIFY)
_CONSENTED = "subscribed"
# Column widths of the orders tables: a store's overlong text is cut, not a reason to drop the order.
_WIDTH: Final[Mapping[str, int]] = {
    "sku": 64,
    "title": 255,
    "category": 64,
    "name": 100,
    "email": 254,
    "address_name": 200,
    "line": 255,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}


@dataclass(frozen=True)
class FulfillmentUpdate:
    """A Shopify fulfillment: which order, which parcel(s), which lines, and its carrier status."""

    order_external_id: str  # str(order_id)
    fulfillment_id: str
    tracking_number: str  # the first tracking number, '' while the store has not entered one
    tracking_numbers: tuple[str, ...]
    carrier_code: str  # carrier_slug(tracking_company), or "other"
    carrier_name: str  # tracking_company as the store typed it
    carrier_tracking_url: str
    status: ShipmentStatus | None  # from shipment_status; None while Shopify has none
    lines: tuple[tuple[str, int], ...]  # (str(line_item["id"]), quantity)
    updated_at: datetime | None
    raw_status: str = ""  # shipment_status as sent, for the event's raw_status
    fulfillment_status: str = ""  # Fulfillment.status: pending, open, success, cancelled, error, failure


def signature(*, secret: str, body: bytes) -> str:
    """The X-Shopify-Hmac-Sha256 value Shopify sends for this body."""
    return base64.b64encode(hmac_sha256(secret.encode("utf-8"), body)).decode("ascii")


def verify_signature(*, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True only if X-Shopify-Hmac-Sha256 is this body's HMAC under the app secret; constant-time."""
    if not secret:
        return False
    expected = hmac_sha256(secret.encode("utf-8"), body)
    presented = next(
        (value for name in SIGNATURE_HEADERS if (value := header(headers, name)) is not None), None
    )
    return matches_base64(expected, presented)


def status_of(shipment_status: str) -> ShipmentStatus | None:
    """The normalized status of a shipment_status; None for none, the safe status for unknown ones."""
    if not status_key(shipment_status):
        return None
    return _BY_STATUS.get(shipment_status) or SAFE_FALLBACK_STATUS


def parse_order(payload: Mapping[str, Any]) -> OrderInput:
    """An orders/create or orders/updated body as the input of orders.services.order_upsert."""
    order = fields.mapping(payload, "The Shopify order")
    external_id = fields.identifier(order.get("id"))
    if not external_id:
        raise PayloadError("The Shopify order has no id.")
    number = fields.identifier(order.get("order_number")) or fields.text(order.get("name")).lstrip("#")
    if not number:
        raise PayloadError("The Shopify order has neither order_number nor name.")
    placed_at = fields.optional_timestamp(order.get("processed_at"), "processed_at") or fields.timestamp(
        order.get("created_at"), "The order's created_at"
    )
    currency = fields.text(order.get("currency")).upper()
    if not currency:
        raise PayloadError("The Shopify order has no currency.")
    shipping = order.get("shipping_address")
    shipping = shipping if isinstance(shipping, Mapping) else {}
    billing = order.get("billing_address")
    billing = billing if isinstance(billing, Mapping) else {}
    customer = order.get("customer")
    customer = customer if isinstance(customer, Mapping) else {}
    locale = closest_shopper_locale(fields.text(order.get("customer_locale")), default="")
    lines = tuple(
        line
        for item in fields.mappings(order.get("line_items"), "line_items")
        if (line := _line(item)) is not None
    )
    shipping_set = order.get("total_shipping_price_set")
    shop_money = _shop_money(shipping_set)
    return OrderInput(
        external_id=external_id,
        number=number,
        placed_at=placed_at,
        currency=currency,
        customer=_customer(order, customer, shipping, billing, locale),
        lines=lines,
        shipping_address=_address(shipping),
        subtotal=fields.decimal(order.get("subtotal_price"), "subtotal_price"),
        shipping_total=_money(shop_money.get("amount"), "total_shipping_price_set"),
        tax_total=_money(order.get("total_tax"), "total_tax"),
        discount_total=_money(order.get("total_discounts"), "total_discounts"),
        total=fields.decimal(order.get("total_price"), "total_price"),
        locale=locale,
        cancelled_at=fields.optional_timestamp(order.get("cancelled_at"), "cancelled_at"),
        source=SOURCE,
        updated_at=fields.optional_timestamp(order.get("updated_at"), "updated_at"),
    )


def parse_fulfillment(payload: Mapping[str, Any]) -> FulfillmentUpdate:
    """A fulfillments/create or fulfillments/update body: tracking numbers, carrier, lines, status."""
    fulfillment = fields.mapping(payload, "The Shopify fulfillment")
    order_id = fields.identifier(fulfillment.get("order_id"))
    if not order_id:
        raise PayloadError("The Shopify fulfillment has no order_id.")
    fulfillment_id = fields.identifier(fulfillment.get("id"))
    if not fulfillment_id:
        raise PayloadError("The Shopify fulfillment has no id.")
    numbers = _unique(
        [fields.text(fulfillment.get("tracking_number")), *_texts(fulfillment.get("tracking_numbers"))]
    )
    urls = _unique([fields.text(fulfillment.get("tracking_url")), *_texts(fulfillment.get("tracking_urls"))])
    company = fields.text(fulfillment.get("tracking_company"))
    raw_status = fields.text(fulfillment.get("shipment_status"))
    lines = []
    for item in fields.mappings(fulfillment.get("line_items"), "line_items"):
        line_id = fields.identifier(item.get("id"))
        quantity = fields.integer(item.get("quantity"), "A fulfillment line's quantity", default=1) or 0
        if line_id and quantity > 0:
            lines.append((line_id, quantity))
    return FulfillmentUpdate(
        order_external_id=order_id,
        fulfillment_id=fulfillment_id,
        tracking_number=numbers[0] if numbers else "",
        tracking_numbers=tuple(numbers),
        carrier_code=carrier_slug(company) or "other",
        carrier_name=company,
        carrier_tracking_url=urls[0] if urls else "",
        status=status_of(raw_status),
        lines=tuple(lines),
        updated_at=fields.optional_timestamp(fulfillment.get("updated_at"), "updated_at")
        or fields.optional_timestamp(fulfillment.get("created_at"), "created_at"),
        raw_status=raw_status,
        fulfillment_status=fields.text(fulfillment.get("status")).lower(),
    )


def _customer(
    order: Mapping[str, Any],
    customer: Mapping[str, Any],
    shipping: Mapping[str, Any],
    billing: Mapping[str, Any],
    locale: str,
) -> CustomerInput:
    region = fields.text(shipping.get("country_code")) or fields.text(billing.get("country_code")) or None
    phone = _first_valid_phone(
        [customer.get("phone"), order.get("phone"), shipping.get("phone"), billing.get("phone")],
        region=region,
    )
    email = (
        fields.text(customer.get("email"))
        or fields.text(order.get("email"))
        or fields.text(order.get("contact_email"))
    )
    return CustomerInput(
        email=_valid_email(email),
        phone=phone,
        first_name=(fields.text(customer.get("first_name")) or fields.text(shipping.get("first_name")))[
            : _WIDTH["name"]
        ],
        last_name=(fields.text(customer.get("last_name")) or fields.text(shipping.get("last_name")))[
            : _WIDTH["name"]
        ],
        external_id=fields.identifier(customer.get("id")),
        locale=locale,
        marketing_consent=_consent(
            customer.get("email_marketing_consent"), order.get("buyer_accepts_marketing")
        ),
        sms_consent=_consent(customer.get("sms_marketing_consent"), None),
    )


def _first_valid_phone(candidates: list[Any], *, region: str | None) -> str:
    for candidate in candidates:
        raw = fields.text(candidate)
        if not raw:
            continue
        try:
            return normalize_phone(raw, region=region)
        except ValidationError:
            continue  # "555-555-SHIP": not a number we could ever text; try the next one
    return ""


def _valid_email(raw: str) -> str:
    email = raw.lower()[: _WIDTH["email"]]
    try:
        validate_email(email)
    except ValidationError:
        return ""  # no email is better than one that bounces every message
    return email


def _consent(consent: Any, legacy_flag: Any) -> bool | None:
    if isinstance(consent, Mapping) and fields.text(consent.get("state")):
        return fields.text(consent.get("state")).lower() == _CONSENTED
    if isinstance(legacy_flag, bool):
        return legacy_flag
    return None


def _address(address: Mapping[str, Any]) -> AddressInput:
    name = fields.text(address.get("name")) or " ".join(
        part
        for part in (fields.text(address.get("first_name")), fields.text(address.get("last_name")))
        if part
    )
    return AddressInput(
        name=name[: _WIDTH["address_name"]],
        line1=fields.text(address.get("address1"))[: _WIDTH["line"]],
        line2=fields.text(address.get("address2"))[: _WIDTH["line"]],
        city=fields.text(address.get("city"))[: _WIDTH["city"]],
        region=(fields.text(address.get("province_code")) or fields.text(address.get("province")))[
            : _WIDTH["region"]
        ],
        postal_code=fields.text(address.get("zip"))[: _WIDTH["postal_code"]],
        country=fields.country_code(address.get("country_code"))[:2],
    )


def _line(item: Mapping[str, Any]) -> LineInput | None:
    quantity = fields.integer(item.get("quantity"), "A line item's quantity", default=1) or 0
    if quantity <= 0:
        return None  # removed by an order edit
    line_id = fields.identifier(item.get("id"))
    # Custom items and some apps send no SKU: the variant, then the line, still identify the product.
    sku = (
        fields.text(item.get("sku"))
        or fields.identifier(item.get("variant_id"))
        or (f"line-{line_id}" if line_id else "")
    )
    title = fields.text(item.get("title")) or fields.text(item.get("name")) or sku
    if not sku:
        raise PayloadError("A line item has no sku, variant_id or id.")
    price = fields.decimal(item.get("price"), "A line item's price")
    if price is None:
        raise PayloadError(f"Line item {line_id or sku} has no price.")
    return LineInput(
        sku=sku[: _WIDTH["sku"]],
        title=title[: _WIDTH["title"]],
        quantity=quantity,
        unit_price=price,
        external_id=line_id,
        category=fields.text(item.get("product_type"))[: _WIDTH["category"]],
    )


def _shop_money(money_set: Any) -> Mapping[str, Any]:
    if isinstance(money_set, Mapping) and isinstance(money_set.get("shop_money"), Mapping):
        shop_money: Mapping[str, Any] = money_set["shop_money"]
        return shop_money
    return {}


def _money(value: Any, what: str) -> Decimal:
    return fields.decimal(value, what, default=Decimal("0.00")) or Decimal("0.00")


def _texts(value: Any) -> list[str]:
    return [fields.text(item) for item in value] if isinstance(value, list) else []


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))
