"""Outbound channels behind one small interface, so WhatsApp or push can be added beside them."""

from datetime import datetime
from typing import Protocol


class ChannelUnavailable(Exception):
    """A transient failure (timeout, 429, 5xx): the same message may be tried again later."""


class ChannelRejected(Exception):
    """A permanent failure (invalid number, unsubscribed recipient): never retried."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class HandoverUncertain(Exception):
    """The request reached the provider but its answer never came: it may have taken the message.

    Never retried blindly; the sweep asks the provider before anything is sent again.
    """


class ProviderUncertain(Exception):
    """The provider cannot be asked whether it took a message."""


class OutboundChannel(Protocol):
    # Whether the brand's per-second sender allowance applies (a carrier's limit, not a printer's).
    sender_limited: bool

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

    def accepted_id(
        self,
        *,
        notification_id: int,
        to: str,
        body: str,
        sender: str,
        messaging_service_sid: str,
        since: datetime,
    ) -> str | None:
        """The provider's id of this message if it took it since `since`, None if it did not.

        Raises ProviderUncertain when the provider cannot be asked, ChannelUnavailable when it
        cannot be asked right now.
        """
        ...
