"""The normalized shipment statuses (a public contract) and how they relate."""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShipmentStatus(models.TextChoices):
    PENDING = "pending", _("Order placed")
    INFO_RECEIVED = "info_received", _("Label created")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    FAILED_ATTEMPT = "failed_attempt", _("Delivery attempted")
    AVAILABLE_FOR_PICKUP = "available_for_pickup", _("Ready for pickup")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery problem")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    EXPIRED = "expired", _("Tracking expired")


# Where a status sits on the shopper's five steps: ordered → shipped → in transit → out for
# delivery → delivered. Problems sit on the step the parcel had reached.
STEP_OF_STATUS: Final[dict[str, int]] = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.INFO_RECEIVED: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.EXCEPTION: 2,
    ShipmentStatus.EXPIRED: 2,
    ShipmentStatus.RETURNED_TO_SENDER: 2,
    ShipmentStatus.OUT_FOR_DELIVERY: 3,
    ShipmentStatus.FAILED_ATTEMPT: 3,
    ShipmentStatus.AVAILABLE_FOR_PICKUP: 3,
    ShipmentStatus.DELIVERED: 4,
}

# Tie-break for events stamped with the same carrier time: the further along wins.
RANK: Final[dict[str, int]] = {
    ShipmentStatus.PENDING: 0,
    ShipmentStatus.INFO_RECEIVED: 1,
    ShipmentStatus.EXPIRED: 2,
    ShipmentStatus.IN_TRANSIT: 3,
    ShipmentStatus.EXCEPTION: 4,
    ShipmentStatus.OUT_FOR_DELIVERY: 5,
    ShipmentStatus.FAILED_ATTEMPT: 6,
    ShipmentStatus.AVAILABLE_FOR_PICKUP: 7,
    ShipmentStatus.RETURNED_TO_SENDER: 8,
    ShipmentStatus.DELIVERED: 9,
}

FINAL_STATUSES: Final[frozenset[str]] = frozenset(
    {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED_TO_SENDER, ShipmentStatus.EXPIRED}
)
PROBLEM_STATUSES: Final[frozenset[str]] = frozenset(
    {ShipmentStatus.EXCEPTION, ShipmentStatus.FAILED_ATTEMPT, ShipmentStatus.RETURNED_TO_SENDER}
)
