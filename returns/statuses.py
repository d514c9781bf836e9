"""Return statuses and resolutions, and the lifecycle as a table (a public contract of the API)."""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    IN_TRANSIT = "in_transit", _("On its way back")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    CREDITED = "credited", _("Store credit issued")
    EXCHANGED = "exchanged", _("Exchanged")
    CLOSED = "closed", _("Closed")


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to the original payment")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange for another size or colour")


S = ReturnStatus

# The status a return ends in when its chosen resolution is carried out.
RESOLVED_STATUS: Final[dict[str, ReturnStatus]] = {
    Resolution.REFUND: S.REFUNDED,
    Resolution.STORE_CREDIT: S.CREDITED,
    Resolution.EXCHANGE: S.EXCHANGED,
}
RESOLVED_STATUSES: Final = frozenset(RESOLVED_STATUS.values())

# Every legal move. Resolving straight from APPROVED is only for "keep it" returns (checked by the
# service); RECEIVED may be resolved without a separate inspection step.
ALLOWED: Final[dict[str, frozenset[str]]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED, S.CLOSED}),
    S.APPROVED: frozenset({S.IN_TRANSIT, S.RECEIVED, *RESOLVED_STATUSES, S.CLOSED}),
    S.IN_TRANSIT: frozenset({S.RECEIVED, S.CLOSED}),
    S.RECEIVED: frozenset({S.INSPECTED, *RESOLVED_STATUSES, S.CLOSED}),
    S.INSPECTED: frozenset({*RESOLVED_STATUSES, S.CLOSED}),
    S.REJECTED: frozenset(),
    S.REFUNDED: frozenset(),
    S.CREDITED: frozenset(),
    S.EXCHANGED: frozenset(),
    S.CLOSED: frozenset(),
}
FINAL_STATUSES: Final = frozenset(status for status, nexts in ALLOWED.items() if not nexts)

# Returns in these statuses no longer hold their items: the quantities may be asked for again.
RELEASED_STATUSES: Final = frozenset({S.REJECTED, S.CLOSED})

# Where each status stamps its time on the return.
TIMESTAMP_FIELD: Final[dict[str, str]] = {
    S.APPROVED: "approved_at",
    S.REJECTED: "rejected_at",
    S.IN_TRANSIT: "shipped_at",
    S.RECEIVED: "received_at",
    S.INSPECTED: "inspected_at",
    S.REFUNDED: "resolved_at",
    S.CREDITED: "resolved_at",
    S.EXCHANGED: "resolved_at",
    S.CLOSED: "closed_at",
}

# The shopper hears about these moves (notification trigger names).
SHOPPER_TRIGGERS: Final[dict[str, str]] = {
    S.REQUESTED: "return_requested",
    S.APPROVED: "return_approved",
    S.REJECTED: "return_rejected",
    S.IN_TRANSIT: "return_in_transit",
    S.RECEIVED: "return_received",
    S.REFUNDED: "return_refunded",
    S.CREDITED: "return_credited",
    S.EXCHANGED: "return_exchanged",
    S.CLOSED: "return_closed",
}

# The moves staff make by hand from a return's own page and its list, in the order they are offered.
STAFF_MOVES: Final = (S.APPROVED, S.REJECTED, S.RECEIVED, S.INSPECTED, *RESOLVED_STATUS.values())


def staff_moves(*, status: str, keep_item: bool) -> list[str]:
    """The table's moves from this status that staff may make, with the service's conditions applied:
    nothing comes back (so nothing is received or inspected) for a keep-it return, and a return that
    comes back is resolved only once received."""
    allowed = ALLOWED.get(status, frozenset())
    moves: list[str] = [move for move in STAFF_MOVES if move in allowed]
    if keep_item:
        return [move for move in moves if move not in (S.RECEIVED, S.INSPECTED)]
    if status == S.APPROVED:
        return [move for move in moves if move not in RESOLVED_STATUSES]
    return moves
