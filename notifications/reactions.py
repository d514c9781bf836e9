"""What notifications do when an order is created or a shipment moves (registered in apps.ready)."""

from common.urls import tracking_url
from notifications import services
from notifications.triggers import TRIGGER_OF_STATUS
from orders.models import Order
from tracking import selectors as tracking_selectors
from tracking.hooks import ShipmentFlagged, ShipmentStatusChanged


def _thank_you_code(order: Order) -> str:
    """A single-use code from offers when the brand gives one with the thank-you; '' otherwise."""
    try:
        from offers.services import promo_code_issue
    except ImportError:
        return ""
    return promo_code_issue(brand_id=order.brand_id, customer_id=order.customer_id, purpose="thank_you")


def on_order_created(order: Order) -> None:
    promo = _thank_you_code(order) or services.brand_settings(brand_id=order.brand_id).promo_code
    services.notification_request(
        brand_id=order.brand_id,
        customer_id=order.customer_id,
        trigger="order_confirmed",
        subject_key=f"order:{order.id}",
        order_id=order.id,
        context={
            "order_number": order.number,
            "tracking_url": tracking_url(brand_slug=order.brand.slug, token=order.tracking_token),
            "promo_code": promo,
            "locale": order.locale,
        },
    )


def on_shipment_status_changed(change: ShipmentStatusChanged) -> None:
    trigger = TRIGGER_OF_STATUS.get(change.new_status)
    if trigger is None or change.direction != "outbound":
        return
    services.notification_request(
        brand_id=change.brand_id,
        customer_id=change.customer_id,
        trigger=trigger,
        subject_key=f"shipment:{change.shipment_id}",
        order_id=change.order_id,
        context=change.facts or tracking_selectors.shipment_message_facts(shipment_id=change.shipment_id),
    )


def on_shipment_flagged(flag: ShipmentFlagged) -> None:
    services.notification_request(
        brand_id=flag.brand_id,
        customer_id=flag.customer_id,
        trigger="delayed",
        subject_key=f"shipment:{flag.shipment_id}:flag",
        order_id=flag.order_id,
        context=tracking_selectors.shipment_message_facts(shipment_id=flag.shipment_id),
    )
