"""Email through Django's configured backend (console in the demo, SMTP or an ESP in production)."""

import smtplib
import uuid
from datetime import datetime

from django.core.mail import EmailMultiAlternatives

from notifications.channels import ChannelRejected, ChannelUnavailable, ProviderUncertain


class DjangoEmail:
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
        message_id = f"<{uuid.uuid4().hex}.{notification_id}@postpurchase>"
        message = EmailMultiAlternatives(
            subject=subject, body=body, from_email=sender or None, to=[to], headers={"Message-ID": message_id}
        )
        if html_body:
            message.attach_alternative(html_body, "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise ChannelRejected("Recipient refused", code="recipient_refused") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelUnavailable(f"Email backend failed: {exc.__class__.__name__}") from exc
        return message_id

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
        raise ProviderUncertain("An SMTP server cannot be asked which messages it accepted.")
