"""SMS through the official Twilio SDK, or printed to the console when no account is configured."""

import logging
import uuid
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.channels import ChannelRejected, ChannelUnavailable, HandoverUncertain

logger = logging.getLogger(__name__)
TRANSIENT_TWILIO_CODES = frozenset({20429, 20500, 20503, 30001, 30002})
# The SDK waits for ever by default. A call must end well before the sweep asks Twilio about a
# claim with no recorded answer (services.HANDOVER_SETTLE), or a slow call could be sent twice.
TWILIO_TIMEOUT_SECONDS = 30.0


class TwilioSms:
    sender_limited = True

    def __init__(self) -> None:
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS),
        )
        self.client.api.base_url = settings.TWILIO_API_BASE_URL

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
        callback = f"{settings.SITE_URL}{reverse('twilio-status')}?n={notification_id}"
        params: dict[str, str] = {"to": to, "body": body, "status_callback": callback}
        if messaging_service_sid:
            params["messaging_service_sid"] = messaging_service_sid
        else:
            params["from_"] = sender
        try:
            message = self.client.messages.create(**params)  # type: ignore[arg-type]
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500 or exc.code in TRANSIENT_TWILIO_CODES:
                raise ChannelUnavailable(f"Twilio {exc.status} {exc.code}: {exc.msg}") from exc
            raise ChannelRejected(
                f"Twilio {exc.status}: {exc.msg}", code=str(exc.code or exc.status)
            ) from exc
        except requests.ReadTimeout as exc:
            # Sent, unanswered: Twilio may have queued it, so a blind retry could text twice.
            raise HandoverUncertain(f"Twilio did not answer in time: {exc.__class__.__name__}") from exc
        except requests.RequestException as exc:
            raise ChannelUnavailable(f"Twilio unreachable: {exc.__class__.__name__}") from exc
        return str(message.sid)

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
        """Look for the message among Twilio's latest to this number (same sender and text)."""
        filters: dict[str, object] = {"to": to, "limit": 50}
        if not messaging_service_sid:
            filters["from_"] = sender
        try:
            recent = self.client.messages.list(**filters)  # type: ignore[arg-type]
        except TwilioException as exc:  # a failed page fetch is not a TwilioRestException
            raise ChannelUnavailable(f"Twilio could not list messages: {exc}") from exc
        except requests.RequestException as exc:
            raise ChannelUnavailable(f"Twilio unreachable: {exc.__class__.__name__}") from exc
        # Twilio stamps date_created to the second; allow for clocks a little apart.
        earliest = since - timedelta(minutes=1)
        for message in recent:
            if message.body == body and message.date_created is not None and message.date_created >= earliest:
                return str(message.sid)
        return None


class ConsoleSms:
    # Nothing leaves the machine, so no carrier limit applies and a repeat harms no one.
    sender_limited = False

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
        logger.info("SMS to %s from %s: %s", to, sender or messaging_service_sid, body)
        print(f"[SMS to {to}] {body}")
        return f"console-{uuid.uuid4().hex[:16]}"

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
        return None


def sms_channel() -> TwilioSms | ConsoleSms:
    return TwilioSms() if settings.TWILIO_ACCOUNT_SID else ConsoleSms()
