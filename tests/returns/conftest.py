"""Returns fixtures: a brand with rules and reasons, and orders delivered at a chosen moment."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from returns import services
from returns.models import ReturnReason
from tests import factories
from tracking import services as tracking_services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.statuses import ShipmentStatus

DELIVERED_AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def deliver(*, brand: Any, order: Any, at: datetime, tracking_number: str = "") -> Any:
    """Ship the whole order in one parcel and have the carrier deliver it at `at`."""
    shipment, _ = tracking_services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd", tracking_number=tracking_number or f"OUT{order.number}"
    )
    tracking_services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code="dpd",
            events=(
                CarrierEvent(
                    status=ShipmentStatus.IN_TRANSIT, occurred_at=at - timedelta(days=1), raw_status="t"
                ),
                CarrierEvent(status=ShipmentStatus.DELIVERED, occurred_at=at, raw_status="d"),
            ),
        ),
        source="test",
    )
    return shipment


@pytest.fixture
def reasons(brand: Any) -> dict[str, ReturnReason]:
    services.reasons_ensure_defaults(brand=brand)
    return {reason.code: reason for reason in ReturnReason.objects.filter(brand=brand)}


@pytest.fixture
def make_order(brand: Any, customer: Any) -> Callable[..., Any]:
    """make_order(("apparel", 2, "40.00"), ("home", 1, "15.00"), delivered_at=...) → order with those lines."""

    def make(
        *lines: tuple[str, int, str], delivered_at: datetime | None = DELIVERED_AT, **kwargs: Any
    ) -> Any:
        order = factories.OrderFactory(brand=brand, customer=customer, currency="RON", **kwargs)
        for category, quantity, price in lines:
            product = factories.ProductFactory(
                brand=brand, category=category, price=Decimal(price), currency="RON"
            )
            factories.OrderLineFactory(
                order=order, product=product, quantity=quantity, unit_price=Decimal(price)
            )
        if delivered_at is not None:
            deliver(brand=brand, order=order, at=delivered_at)
        return order

    return make


@pytest.fixture
def policy_rules(brand: Any) -> None:
    """Casa Verde's policy: 30 days by default, apparel 14 days with fees, gift cards final sale."""
    services.policy_settings_set(brand=brand, credit_bonus_percent=Decimal("10"), currency="RON")
    services.rule_set(brand=brand, window_days=30)
    services.rule_set(
        brand=brand,
        category="apparel",
        window_days=14,
        return_shipping_fee=Decimal("15.00"),
        restocking_fee_percent=Decimal("10"),
        tags_required=True,
    )
    services.rule_set(brand=brand, category="gift-cards", final_sale=True)
    services.rule_set(brand=brand, category="underwear", allow_refund=False, allow_exchange=False)


def lines_of(order: Any, *quantities: int) -> list[services.RequestedLine]:
    """Requested lines for the order's lines in order; 0 leaves a line out."""
    return [
        services.RequestedLine(order_line_id=line.id, quantity=quantity)
        for line, quantity in zip(order.lines.order_by("id"), quantities, strict=False)
        if quantity
    ]


@pytest.fixture
def jpeg() -> Callable[..., Any]:
    """A real small JPEG as an uploaded file."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from returns.photos import check_photo

    def make(name: str = "damage.jpg", size: tuple[int, int] = (64, 48), checked: bool = True) -> Any:
        buffer = io.BytesIO()
        Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
        upload = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
        return check_photo(upload, size=upload.size) if checked else upload

    return make


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded photos land in a throw-away directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approved_return(make_order: Any, reasons: Any, policy_rules: None) -> Any:
    order = make_order(("home", 2, "30.00"))
    return services.return_request(
        brand=order.brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
