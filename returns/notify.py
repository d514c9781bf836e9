"""The one place returns tells the shopper about a move; works with or without the notifications app."""

import logging
from typing import TYPE_CHECKING

from django.urls import reverse

from common.locales import closest_shopper_locale
from common.urls import absolute_url

if TYPE_CHECKING:
    from returns.models import Return

logger = logging.getLogger(__name__)


def notify_shopper(return_id: int, trigger: str) -> bool:
    """Ask the notifications app to tell the shopper; False when it is not installed (the ReturnEvent
    row still records the move). Called inside the transition's transaction: the request is an outbox row."""
    try:
        from notifications import services as notification_services
    except ImportError:
        return False
    request = getattr(notification_services, "notification_request", None)
    if request is None:
        return False
    from returns.models import Return

    ret = Return.objects.select_related("order__customer", "brand").get(id=return_id)
    request(
        brand_id=ret.brand_id,
        customer_id=ret.order.customer_id,
        trigger=trigger,
        subject_key=f"return:{ret.id}:{trigger}",
        context=notification_context(ret),
        order_id=ret.order_id,
    )
    return True


def notification_context(ret: "Return") -> dict[str, object]:
    """What message templates may use: RMA, status, amounts and the link to the return's page.

    The amount is what was issued once resolved, else what is due (the inspected amount once the items
    were inspected), never the amount first asked for; the rejection reason is in the language the
    message is written in when the merchant gave that translation.
    """
    locale = closest_shopper_locale(ret.order.customer.locale or ret.locale, default=ret.brand.default_locale)
    return {
        "rma": ret.rma,
        "status": ret.status,
        "resolution": ret.resolution,
        "amount": f"{ret.amount_issued if ret.amount_issued is not None else ret.amount_due}",
        "rejection_reason": ret.rejection_reason_in(locale),
        "currency": ret.currency,
        "order_number": ret.order.number,
        "return_url": absolute_url(
            reverse("returns-detail", kwargs={"brand_slug": ret.brand.slug, "token": ret.token})
        ),
    }
