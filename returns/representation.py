"""A return as plain JSON-ready data: the API's answer and the webhooks' `data` are the same shape."""

from typing import Any

from django.urls import reverse

from common.urls import absolute_url
from returns.models import Return


def _money(value: object) -> str | None:
    return None if value is None else f"{value}"


def return_representation(ret: Return) -> dict[str, Any]:
    """Everything a store or warehouse needs to act on a return (lines use prefetched rows when present)."""
    return {
        "rma": ret.rma,
        "status": ret.status,
        "resolution": ret.resolution,
        "order": {"id": ret.order_id, "number": ret.order.number, "external_id": ret.order.external_id},
        "reason": {"code": ret.reason.code, "label": ret.reason.label, "brand_fault": ret.reason.brand_fault},
        "comment": ret.comment,
        "keep_item": ret.keep_item,
        "currency": ret.currency,
        "items_value": _money(ret.items_value),
        "shipping_fee": _money(ret.shipping_fee),
        "restocking_fee": _money(ret.restocking_fee),
        "bonus": _money(ret.bonus),
        "amount": _money(ret.amount),
        "amount_issued": _money(ret.amount_issued),
        "lines": [
            {
                "order_line_id": line.order_line_id,
                "order_line_external_id": line.order_line.external_id,
                "sku": line.order_line.product.sku,
                "title": line.order_line.title,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "exchange_for_sku": line.exchange_for.sku
                if line.exchange_for_id and line.exchange_for
                else None,
            }
            for line in ret.lines.all()
        ],
        "return_shipment": (
            {
                "carrier_code": ret.return_shipment.carrier_code,
                "tracking_number": ret.return_shipment.tracking_number,
                "status": ret.return_shipment.status,
            }
            if ret.return_shipment_id and ret.return_shipment
            else None
        ),
        "requested_at": ret.requested_at.isoformat() if ret.requested_at else None,
        "approved_at": ret.approved_at.isoformat() if ret.approved_at else None,
        "received_at": ret.received_at.isoformat() if ret.received_at else None,
        "resolved_at": ret.resolved_at.isoformat() if ret.resolved_at else None,
        "portal_url": absolute_url(
            reverse("returns-detail", kwargs={"brand_slug": ret.brand.slug, "token": ret.token})
        ),
    }
