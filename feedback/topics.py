"""What a shopper can report as wrong with a parcel, how urgent each is, and which lead to a return."""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from support.models import Priority


class ProblemTopic(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Marked as delivered, but I did not get it")
    DAMAGED = "damaged", _("It arrived damaged")
    WRONG_ITEM = "wrong_item", _("I received the wrong item")
    MISSING_ITEM = "missing_item", _("Something is missing from the parcel")
    WRONG_ADDRESS = "wrong_address", _("The delivery address is wrong")
    LATE = "late", _("It is late")


PRIORITY_BY_TOPIC: Final[dict[str, int]] = {
    ProblemTopic.NOT_RECEIVED: Priority.URGENT,
    ProblemTopic.DAMAGED: Priority.HIGH,
    ProblemTopic.WRONG_ITEM: Priority.HIGH,
    ProblemTopic.MISSING_ITEM: Priority.HIGH,
    ProblemTopic.WRONG_ADDRESS: Priority.HIGH,
    ProblemTopic.LATE: Priority.NORMAL,
}

# Topics whose natural next step is a return, with the return reason code it pre-fills.
RETURN_REASON_BY_TOPIC: Final[dict[str, str]] = {
    ProblemTopic.DAMAGED: "damaged",
    ProblemTopic.WRONG_ITEM: "wrong-item",
}
