"""How returns plugs into tracking: the return parcel's scans move the return; the tracking page
offers a "Start a return" link with the order already identified."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from returns import links, services
from tracking.blocks import TrackingPageContext
from tracking.hooks import ShipmentStatusChanged


def on_shipment_status_changed(change: ShipmentStatusChanged) -> None:
    """Runs inside tracking's transaction; only return parcels matter here."""
    if change.direction != "return":
        return
    services.on_return_shipment_status(shipment_id=change.shipment_id, new_status=change.new_status)


def tracking_block(context: TrackingPageContext) -> SafeString | None:
    """The link, once something was delivered; no queries (the page already loaded the shipments)."""
    if not any(shipment.status == "delivered" for shipment in context.shipments):
        return None
    url = links.start_url(brand_slug=context.brand.slug, brand_id=context.brand.id, order_id=context.order.id)
    html = render_to_string("returns/_tracking_block.html", {"url": url, "brand": context.brand})
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped
