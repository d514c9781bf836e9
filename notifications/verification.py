"""One-time codes that prove a shopper holds a phone number or the email on file.

A tracking link shows an order; it is not proof of who holds it. Changing contact details or
spending value needs a code sent to the number being added or to the email already on file.
Only a keyed hash of the code is stored; the code itself exists in the message alone.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django import forms
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from notifications import services
from notifications.channels import ChannelRejected, ChannelUnavailable
from notifications.models import Channel, ContactVerification, Notification, State, VerificationPurpose
from orders.models import Customer

logger = logging.getLogger(__name__)


class CodeForm(forms.Form):
    """The code a shopper types back, whether it came by SMS or by email."""

    code = forms.CharField(label=_lazy("Code"), max_length=12)


CODE_TTL: Final = timedelta(minutes=10)
MAX_ATTEMPTS: Final = 5
# At most this many codes per customer and purpose in a window: each one is a message we pay for
# and a stranger's phone we might buzz.
MAX_CODES: Final = 3
CODE_WINDOW: Final = timedelta(minutes=30)
TRIGGER: Final = "verification_code"


class VerificationRefused(Exception):
    """No code was sent: `reason` is "rate_limited", "no_email" or "unavailable"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CodeRejected(Exception):
    """The code proves nothing: `reason` is "wrong", "expired", "too_many" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    customer_id: int
    purpose: str
    target: str


def _code_hash(*, customer_id: int, purpose: str, target: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not give six digits away.
    return salted_hmac(
        "notifications.verification", f"{customer_id}:{purpose}:{target}:{code}", algorithm="sha256"
    ).hexdigest()


def _message(*, purpose: str, brand_name: str, code: str, locale: str) -> tuple[str, str]:
    with translation.override(locale):
        if purpose == VerificationPurpose.PHONE:
            body = _(
                "%(brand)s: your code is %(code)s. Enter it on the tracking page to get parcel updates "
                "by SMS. It expires in 10 minutes."
            ) % {"brand": brand_name, "code": code}
        else:
            body = _(
                "%(brand)s: your code is %(code)s. Enter it on the tracking page to use your points. "
                "It expires in 10 minutes. If you did not ask for it, ignore this message."
            ) % {"brand": brand_name, "code": code}
        subject = _("Your %(brand)s code") % {"brand": brand_name}
    return subject, body


def verification_start(
    *, customer_id: int, purpose: str, phone: str = "", locale: str, now: datetime | None = None
) -> int:
    """Send a new code (phone purpose: to `phone`; identity: to the email on file); returns its id.

    Earlier open codes of the same purpose stop working. Rate-limited per customer and purpose.
    """
    now = now or timezone.now()
    customer = Customer.objects.select_related("brand").get(id=customer_id)
    if purpose == VerificationPurpose.PHONE:
        channel, target = Channel.SMS, phone
    else:
        channel, target = Channel.EMAIL, customer.email
    if not target:
        raise VerificationRefused("no_email")
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        # Serialises concurrent requests for the same customer, so the rate limit holds.
        Customer.objects.select_for_update().filter(id=customer_id).values_list("id", flat=True).get()
        recent = ContactVerification.objects.filter(
            customer_id=customer_id, purpose=purpose, created_at__gt=now - CODE_WINDOW
        ).count()
        if recent >= MAX_CODES:
            raise VerificationRefused("rate_limited")
        ContactVerification.objects.filter(
            customer_id=customer_id, purpose=purpose, used_at__isnull=True
        ).update(expires_at=now)
        verification = ContactVerification.objects.create(
            brand_id=customer.brand_id,
            customer_id=customer_id,
            purpose=purpose,
            channel=channel,
            target=target,
            code_hash=_code_hash(customer_id=customer_id, purpose=purpose, target=target, code=code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    subject, body = _message(purpose=purpose, brand_name=customer.brand.name, code=code, locale=locale)
    # Sent here rather than through a queued task: the shopper is waiting for it, and the code
    # never has to be written down anywhere (the outbox row keeps the wording, not the code).
    outbox = Notification(
        brand=customer.brand, customer=customer, channel=channel, to=target, trigger=TRIGGER, locale=locale
    )
    sender, service_sid = services._sender(outbox)
    try:
        provider_id = services.channel_for(channel).send(  # type: ignore[attr-defined]
            notification_id=0,
            to=target,
            subject=subject,
            body=body,
            html_body="",
            sender=sender,
            messaging_service_sid=service_sid,
        )
    except (ChannelUnavailable, ChannelRejected) as exc:
        logger.warning("Verification code %s not sent: %s", verification.id, exc)
        ContactVerification.objects.filter(id=verification.id).update(expires_at=now)
        raise VerificationRefused("unavailable") from exc
    outbox.subject = subject[:200]
    outbox.body = body.replace(code, "••••••")
    outbox.subject_key = f"verification:{verification.id}"
    outbox.state = State.SENT
    outbox.attempts = 1
    outbox.provider_id = str(provider_id)[:64]
    outbox.sent_at = timezone.now()
    outbox.save()
    return verification.id


def verification_confirm(
    *, customer_id: int, purpose: str, code: str, now: datetime | None = None
) -> Verified:
    """Check a code against the customer's latest one; a right code works once, within its time."""
    now = now or timezone.now()
    code = "".join(code.split())
    with transaction.atomic():
        verification = (
            ContactVerification.objects.select_for_update()
            .filter(customer_id=customer_id, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None or verification.used_at is not None:
            raise CodeRejected("used")
        if verification.expires_at <= now:
            raise CodeRejected("expired")
        if verification.attempts >= MAX_ATTEMPTS:
            raise CodeRejected("too_many")
        expected = _code_hash(customer_id=customer_id, purpose=purpose, target=verification.target, code=code)
        right = code.isdigit() and len(code) == 6 and constant_time_compare(expected, verification.code_hash)
        if right:
            verification.used_at = now
            verification.save(update_fields=["used_at"])
        else:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
    if not right:
        raise CodeRejected("too_many" if verification.attempts >= MAX_ATTEMPTS else "wrong")
    return Verified(customer_id=customer_id, purpose=purpose, target=verification.target)
