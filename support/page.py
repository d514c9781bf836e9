"""The help block of the tracking page: answers that fit the parcel's situation, and a way to ask."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from support import selectors
from tracking.blocks import TrackingPageContext


def help_block(context: TrackingPageContext) -> SafeString:
    """A delayed parcel shows "What if my parcel is late?"; one query whatever the order holds."""
    late = any(shipment.late_since for shipment in context.shipments)
    stuck = any(shipment.stuck_since for shipment in context.shipments)
    status = context.focus.status if context.focus else context.overall_status
    articles = selectors.contextual_articles(
        brand=context.brand,
        locale=context.locale,
        situations=selectors.situations_of(overall_status=status, late=late, stuck=stuck),
    )
    token = context.focus.token if context.focus else context.order.tracking_token
    html = render_to_string(
        "support/_help_block.html",
        {"brand": context.brand, "articles": articles, "token": token},
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped
