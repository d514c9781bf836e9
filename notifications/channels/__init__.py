"""Outbound channels behind one small interface, so WhatsApp or push can be added beside them."""

from typing import Protocol


class ChannelUnavailable(Exception):
    """A transient failure (timeout, 429, 5xx): the same message may be tried again later."""


class SenderThrottled(ChannelUnavailable):
    """The sender's per-second allowance is used up; try again in a moment, not counted as a failure."""


class ChannelRejected(Exception):
    """A permanent failure (invalid number, unsubscribed recipient): never retried."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class OutboundChannel(Protocol):
    def send(
        self,
        *,
        notification_id: int,
        to: str,
        subject: str,
        body: str,
        html_body: str,
        sender: str,
        messaging_service_sid: str = "",
    ) -> str:
        """Hand the message over; return the provider's id for it."""
        ...
