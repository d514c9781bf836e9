"""Reads for notifications: the console's message figures."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import Count, Q

from common.periods import Period
from notifications.models import Notification, State

# Handed to the provider, whatever it answered later: a Twilio "failed" callback still went out.
SENT_Q: Final = Q(sent_at__isnull=False)
DELIVERED_STATES: Final = (State.DELIVERED,)
FAILED_STATES: Final = (State.FAILED, State.UNDELIVERED)


@dataclass(frozen=True)
class MessageFigures:
    """Messages created in a period for one trigger and channel; `_prev` for the period before.

    Nothing in the product records a click on a message's link, so there is no click figure.
    """

    trigger: str
    channel: str
    created: int
    sent: int
    sent_prev: int
    delivered: int
    delivered_prev: int
    failed: int
    failed_prev: int


def message_figures(*, brand_ids: Sequence[int], period: Period) -> list[MessageFigures]:
    """Messages of the period and the one before by trigger and channel; one query."""
    previous = period.previous
    current_q, previous_q = Q(created_at__gte=period.start), Q(created_at__lt=previous.end)
    counts: dict[str, Any] = {"created": Count("id", filter=current_q)}
    for name, condition in (
        ("sent", SENT_Q),
        ("delivered", Q(state__in=DELIVERED_STATES)),
        ("failed", Q(state__in=FAILED_STATES)),
    ):
        counts[name] = Count("id", filter=current_q & condition)
        counts[f"{name}_prev"] = Count("id", filter=previous_q & condition)
    rows = (
        Notification.objects.filter(
            brand_id__in=brand_ids, created_at__gte=previous.start, created_at__lt=period.end
        )
        .values("trigger", "channel")
        .annotate(**counts)
        .order_by("-sent", "trigger", "channel")
    )
    return [MessageFigures(**row) for row in rows]
