"""Writes for notifications: the outbox, sending at most once, provider callbacks, consent.

Delivery guarantees (see docs/notifications.md): a row is written in the transaction of the
change that caused it, unique per subject × trigger × channel; a worker claims it with a
conditional UPDATE before calling the provider, so two workers or a retried task never both send.
"""

import logging
import threading
import time as time_module
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from brands.models import Brand
from common import page_versions
from common.locales import closest_shopper_locale
from notifications import messages, selectors
from notifications.channels import (
    ChannelRejected,
    ChannelUnavailable,
    HandoverUncertain,
    OutboundChannel,
    ProviderUncertain,
)
from notifications.channels.email import DjangoEmail
from notifications.channels.sms import sms_channel
from notifications.editor import Draft
from notifications.models import (
    FINAL_STATES,
    Channel,
    MessageTemplate,
    Notification,
    NotificationSettings,
    State,
)
from notifications.triggers import CONTEXT_PROVIDERS, TRIGGERS
from orders import services as order_services
from orders.models import ConsentChannel, ConsentSource, Customer

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# A claim whose provider call has not started after this long belongs to a dead worker (a live one
# takes milliseconds from claim to call). With the sweep every 60 s such a row is retaken within
# 90 s of the crash.
CLAIM_LEASE = timedelta(seconds=30)
# A provider call with no recorded answer after this long is asked about (Twilio's own timeout and
# its first status callback, which names our row, both come well within it).
HANDOVER_SETTLE = timedelta(minutes=3)
# A reserved sender slot is kept if the message is this late for it; later, it takes a new one.
SLOT_GRACE = timedelta(seconds=5)
# A message due this close to its moment is claimed and waits for it in the worker.
SLOT_EARLY = timedelta(milliseconds=250)
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# Twilio's message statuses, in the order they can follow one another.
STATE_OF_TWILIO_STATUS = {
    "accepted": State.SENT,
    "scheduled": State.SENT,
    "queued": State.SENT,
    "sending": State.SENT,
    "sent": State.SENT,
    "delivered": State.DELIVERED,
    "undelivered": State.UNDELIVERED,
    "failed": State.FAILED,
    "canceled": State.FAILED,
}


def brand_settings(*, brand_id: int) -> NotificationSettings:
    found, _ = NotificationSettings.objects.get_or_create(brand_id=brand_id)
    return found


def quiet_hours_end(*, brand: Brand, settings_row: NotificationSettings, now: datetime) -> datetime | None:
    """When SMS may go out again if `now` is inside the brand's quiet hours, else None."""
    zone = ZoneInfo(brand.timezone)
    local = now.astimezone(zone)
    start, end = settings_row.quiet_hours_start % 24, settings_row.quiet_hours_end % 24
    if start == end:
        return None
    hour = local.hour
    quiet = (start <= hour or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    resume_day = local.date() if hour < end else local.date() + timedelta(days=1)
    return datetime.combine(resume_day, time(end), tzinfo=zone)


def _email_html(*, brand: Brand, subject: str, html_body: str, context: Mapping[str, object]) -> str:
    return messages.email_document(
        brand=brand, subject=subject, html_body=html_body, tracking_url=str(context.get("tracking_url", ""))
    )


def _render(
    *,
    brand: Brand,
    trigger: str,
    channel: str,
    locale: str,
    context: Mapping[str, object],
    templates: Mapping[str, MessageTemplate] | None = None,
) -> messages.RenderedMessage:
    """`templates`: the brand's own wording of this trigger and locale by channel, when already read."""
    template = (
        templates.get(channel)
        if templates is not None
        else MessageTemplate.objects.filter(
            brand=brand, trigger=trigger, channel=channel, locale=locale
        ).first()
    )
    if template is not None:
        try:
            return messages.render(subject=template.subject, body=template.body, context=context)
        except messages.TemplateInvalid:
            logger.warning("Template %s is invalid; the default wording is sent instead.", template.id)
    default = messages.default_text(trigger=trigger, locale=locale)
    return messages.render(subject=default.subject, body=default.body, context=context)


def message_context(*, brand: Brand, customer: Customer, extra: Mapping[str, object]) -> dict[str, object]:
    return {
        "brand_name": brand.name,
        "first_name": customer.first_name or "",
        "support_email": brand.support_email,
        "support_phone": brand.support_phone,
        "promo_code": "",
        "recommendations": "",
        **messages.plain_context(extra),
    }


def email_preview(
    *, brand: Brand, customer: Customer, trigger: str, locale: str, context: Mapping[str, object]
) -> tuple[str, str]:
    """(subject, HTML) of the email a trigger would send, exactly as sent; reads only, writes nothing.

    For previews: brand and customer may be unsaved objects (a look not yet published, a sample shopper).
    """
    values = message_context(brand=brand, customer=customer, extra=context)
    rendered = _render(brand=brand, trigger=trigger, channel=Channel.EMAIL, locale=locale, context=values)
    return rendered.subject, _email_html(
        brand=brand, subject=rendered.subject, html_body=rendered.html_body, context=values
    )


def _sms_not_before(*, brand: Brand, settings_row: NotificationSettings, subject_key: str) -> datetime | None:
    """When a parcel SMS may go: after quiet hours, and after a short wait that lets a burst collapse."""
    now = timezone.now()
    candidates = [quiet_hours_end(brand=brand, settings_row=settings_row, now=now)]
    if subject_key.startswith("shipment:") and settings_row.sms_collapse_seconds:
        candidates.append(now + timedelta(seconds=settings_row.sms_collapse_seconds))
    due = [moment for moment in candidates if moment is not None]
    return max(due) if due else None


def notification_request(
    *,
    brand_id: int,
    customer_id: int,
    trigger: str,
    subject_key: str,
    context: Mapping[str, object],
    channels: Iterable[str] | None = None,
    order_id: int | None = None,
) -> list[int]:
    """Write outbox rows for one trigger, once per subject × channel, and dispatch after commit.

    Call it inside the transaction of the change that causes it. Channels the brand switched off,
    customers without consent or address, and repeats of the same subject are skipped silently.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    customer = Customer.objects.select_related("brand", "brand__notification_settings").get(
        id=customer_id, brand_id=brand_id
    )
    brand = customer.brand
    # Read with the customer; created on first use for a brand that never saved its settings.
    settings_row = getattr(brand, "notification_settings", None) or brand_settings(brand_id=brand_id)
    locale = closest_shopper_locale(
        customer.locale or str(context.get("locale") or ""), default=brand.default_locale
    )
    extra = dict(context)
    for provider in CONTEXT_PROVIDERS:
        extra.update(provider(trigger, customer.id))
    values = message_context(brand=brand, customer=customer, extra=extra)
    created_ids: list[int] = []
    templates: dict[str, MessageTemplate] | None = None
    for channel in channels or TRIGGERS[trigger].channels:
        if not settings_row.enabled(trigger, channel):
            continue
        if channel == Channel.SMS and not (customer.phone and customer.sms_consent):
            continue
        if channel == Channel.EMAIL and not customer.email:
            continue
        if templates is None:  # every channel's wording in one read, once a message is due
            templates = {
                template.channel: template
                for template in MessageTemplate.objects.filter(brand=brand, trigger=trigger, locale=locale)
            }
        rendered = _render(
            brand=brand, trigger=trigger, channel=channel, locale=locale, context=values, templates=templates
        )
        not_before = (
            _sms_not_before(brand=brand, settings_row=settings_row, subject_key=subject_key)
            if (channel == Channel.SMS)
            else None
        )
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    brand=brand,
                    customer=customer,
                    order_id=order_id,
                    subject_key=subject_key,
                    trigger=trigger,
                    channel=channel,
                    to=customer.phone if channel == Channel.SMS else customer.email,
                    locale=locale,
                    subject=rendered.subject[:200],
                    body=rendered.body,
                    html_body=_email_html(
                        brand=brand, subject=rendered.subject, html_body=rendered.html_body, context=values
                    )
                    if channel == Channel.EMAIL
                    else "",
                    not_before=not_before,
                )
        except IntegrityError:
            continue  # already written for this subject: never twice
        if channel == Channel.SMS and subject_key.startswith("shipment:"):
            # A burst of statuses while SMS wait (quiet hours) collapses to the latest one.
            Notification.objects.filter(
                subject_key__startswith=subject_key.split(":flag")[0],
                channel=Channel.SMS,
                state=State.PENDING,
                not_before__isnull=False,
            ).exclude(id=notification.id).update(state=State.SKIPPED, error=f"Superseded by {trigger}.")
        created_ids.append(notification.id)
        transaction.on_commit(partial(_enqueue, notification.id, not_before))
    return created_ids


def _enqueue(notification_id: int, eta: datetime | None = None) -> None:
    from notifications.tasks import send_notification

    if eta is not None and _tasks_in_process():
        # Nothing in this process comes back later (no broker, no beat): what would wait for
        # quiet hours or the collapse window is sent now rather than left pending for ever.
        Notification.objects.filter(id=notification_id, state=State.PENDING).update(not_before=None)
        eta = None
    try:
        if eta is not None and eta > timezone.now():
            send_notification.apply_async((notification_id,), eta=eta)
        else:
            send_notification.delay(notification_id)
    except Exception:
        # The broker is down: the row is pending and the sweeper will enqueue it.
        logger.exception("Could not enqueue notification %s; the sweeper will pick it up.", notification_id)


def _sender(notification: Notification) -> tuple[str, str]:
    brand = notification.brand
    if notification.channel == Channel.SMS:
        return brand.sms_from_number, brand.sms_messaging_service_sid
    if brand.email_from_address:
        return f"{brand.email_from_name or brand.name} <{brand.email_from_address}>", ""
    return settings.DEFAULT_FROM_EMAIL, ""


def channel_for(channel: str) -> OutboundChannel:
    chosen: OutboundChannel = sms_channel() if channel == Channel.SMS else DjangoEmail()
    return chosen


# Generic cell rate algorithm: the key holds the sender's next free moment (epoch seconds). Each
# call reserves max(now, that moment) and pushes it one interval on, atomically across workers.
_RESERVE_SLOT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX',
           math.ceil((slot + interval - now) * 1000) + 60000)
return string.format('%.6f', slot)
"""
_local_slots_lock = threading.Lock()


def sender_slot_take(*, sender: str, per_second: int, now: datetime | None = None) -> datetime:
    """Reserve the sender's next free moment in its per-second allowance, shared by every worker.

    Returns when the message may go: `now` while the sender has room, later when it is busy. Never
    refuses, so a backlog drains at exactly the allowed rate.
    """
    now = now or timezone.now()
    interval = 1.0 / max(1, per_second)
    name = f"sms-slot:{sender}"
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key(name)
        client = backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]
        slot = float(client.eval(_RESERVE_SLOT, 1, key, f"{now.timestamp():.6f}", f"{interval:.6f}"))
    else:
        # An in-process cache (embedded mode) is only seen by this process: a lock suffices.
        with _local_slots_lock:
            slot = max(now.timestamp(), float(backend.get(name) or 0.0))
            backend.set(name, slot + interval, timeout=int(slot + interval - now.timestamp()) + 60)
    return datetime.fromtimestamp(slot, tz=UTC)


def _tasks_in_process() -> bool:
    """No broker (embedded mode): nothing can run later, so whatever has to wait waits here."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def _sender_slot(*, notification: Notification, sender: str, now: datetime) -> datetime:
    """The row's reserved slot while it is still good, else a new one."""
    if notification.slot_at is not None and notification.slot_at >= now - SLOT_GRACE:
        return notification.slot_at
    return sender_slot_take(
        sender=sender, per_second=brand_settings(brand_id=notification.brand_id).sms_per_second, now=now
    )


def notification_deliver(*, notification_id: int, sleep: Callable[[float], None] = time_module.sleep) -> str:
    """Send at most once. Not atomic on purpose: the claim commits before the provider is called.

    A message its sender has no room for yet is put back for its reserved slot (not an attempt).
    """
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now + SLOT_EARLY),
        id=notification_id,
        state=State.PENDING,
    ).update(state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now, handed_at=None)
    if not claimed:
        return "not_claimed"  # sent, failed for good, deferred, or held by another worker
    notification = Notification.objects.select_related("brand", "customer").get(id=notification_id)
    mine = Notification.objects.filter(
        id=notification_id, state=State.SENDING, attempts=notification.attempts
    )
    customer = notification.customer
    if notification.channel == Channel.SMS and customer is not None and not customer.sms_consent:
        mine.update(state=State.SKIPPED, error="Opted out of SMS.")
        return "skipped"
    sender, service_sid = _sender(notification)
    channel = channel_for(notification.channel)
    if channel.sender_limited:
        slot = _sender_slot(notification=notification, sender=service_sid or sender, now=now)
        wait = (slot - timezone.now()).total_seconds()
        if wait > SLOT_EARLY.total_seconds() and not _tasks_in_process():
            mine.update(state=State.PENDING, attempts=F("attempts") - 1, not_before=slot, slot_at=slot)
            _enqueue(notification_id, slot)
            return "deferred"
        if wait > 0:
            sleep(wait)  # a moment before a reserved slot, or in-process tasks with nothing to come back
    # The moment of handing over, written only while the claim is still ours (a sweep may have
    # released a claim that took too long).
    if not mine.update(handed_at=timezone.now()):
        return "not_claimed"
    try:
        provider_id = channel.send(
            notification_id=notification.id,
            to=notification.to,
            subject=notification.subject,
            body=notification.body,
            html_body=notification.html_body,
            sender=sender,
            messaging_service_sid=service_sid,
        )
    except ChannelRejected as exc:
        mine.update(state=State.FAILED, error=str(exc)[:2000], error_code=exc.code[:20])
        return "failed"
    except ChannelUnavailable as exc:
        if notification.attempts >= MAX_ATTEMPTS:
            mine.update(
                state=State.FAILED, error=f"Gave up after {notification.attempts} attempts: {exc}"[:2000]
            )
            return "failed"
        mine.update(state=State.PENDING, handed_at=None, error=str(exc)[:2000])
        raise
    except HandoverUncertain as exc:
        # Left claimed and handed over: the sweep asks the provider before anything goes again.
        mine.update(error=f"{exc}; the provider is asked before any resend."[:2000])
        return "uncertain"
    mine.update(state=State.SENT, provider_id=provider_id[:64], sent_at=timezone.now(), error="")
    return "sent"


def _handed_over_resolve(*, notification: Notification, now: datetime) -> str:
    """A claim that reached the provider call but recorded no answer: ask the provider, never guess."""
    sender, service_sid = _sender(notification)
    stuck = Notification.objects.filter(
        id=notification.id, state=State.SENDING, attempts=notification.attempts, provider_id=""
    )
    try:
        provider_id = channel_for(notification.channel).accepted_id(
            notification_id=notification.id,
            to=notification.to,
            body=notification.body,
            sender=sender,
            messaging_service_sid=service_sid,
            since=notification.handed_at or notification.claimed_at or now,
        )
    except ProviderUncertain as exc:
        stuck.update(
            state=State.UNCONFIRMED,
            error=f"The sending worker stopped during the provider call; resend only after checking. {exc}",
        )
        return "unconfirmed"
    except ChannelUnavailable:
        return "ask_again"  # the next sweep asks again
    if provider_id and Notification.objects.filter(provider_id=provider_id[:64]).exists():
        # Same text to the same number, but that message is another row's (a resend, say): ours may
        # or may not be further back, so a person decides rather than risk a second text.
        stuck.update(
            state=State.UNCONFIRMED,
            error=f"The provider's matching message {provider_id} belongs to another row; check before resending.",
        )
        return "unconfirmed"
    if provider_id:
        stuck.update(state=State.SENT, provider_id=provider_id[:64], sent_at=now, error="")
        return "sent"
    stuck.update(state=State.PENDING, handed_at=None)  # the provider never got it: safe to send
    return "pending"


def notifications_sweep(*, now: datetime | None = None, limit: int = 500, ask_limit: int = 20) -> int:
    """Re-enqueue pending rows that are due and claims whose worker died; idempotent thanks to the claim."""
    now = now or timezone.now()
    # Claimed, but the provider call never started: the worker died before it; take the row back.
    Notification.objects.filter(
        state=State.SENDING, handed_at__isnull=True, claimed_at__lt=now - CLAIM_LEASE
    ).update(state=State.PENDING)
    # Due rows first: asking a slow provider below must never keep them waiting past the time limit.
    due = list(
        Notification.objects.filter(state=State.PENDING, created_at__lt=now - timedelta(seconds=30))
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .values_list("id", flat=True)[:limit]
    )
    for notification_id in due:
        _enqueue(notification_id)
    # Each of these is a provider call: a few per sweep, oldest first, the rest on the next sweeps.
    handed = (
        Notification.objects.select_related("brand")
        .filter(state=State.SENDING, provider_id="", handed_at__lt=now - HANDOVER_SETTLE)
        .order_by("handed_at", "id")
    )
    for notification in handed[:ask_limit]:
        if _handed_over_resolve(notification=notification, now=now) == "pending":
            _enqueue(notification.id)
    return len(due)


def provider_status_apply(
    *, message_sid: str, status: str, error_code: str = "", notification_id: int | None = None
) -> bool:
    """Apply a Twilio status callback, in any order, idempotently. False when the message is unknown."""
    target = STATE_OF_TWILIO_STATUS.get(status.lower())
    if target is None:
        return True  # a status we do not track (e.g. "receiving"): acknowledged
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(provider_id=message_sid).first()
        if notification is None and notification_id is not None:
            notification = (
                Notification.objects.select_for_update()
                .filter(id=notification_id, channel=Channel.SMS, provider_id="")
                .first()
            )
        if notification is None:
            return False
        fields = ["provider_id", "state"]
        notification.provider_id = message_sid[:64]
        if (
            notification.state in FINAL_STATES
            and notification.state != State.SKIPPED
            and (target == State.SENT or notification.state == target)
        ):
            notification.save(update_fields=["provider_id"])
            return True  # a late "sent" never undoes "delivered"
        notification.state = target
        if target == State.SENT and notification.sent_at is None:
            notification.sent_at = timezone.now()
            fields.append("sent_at")
        if target == State.DELIVERED:
            notification.delivered_at = timezone.now()
            fields.append("delivered_at")
        if target in (State.UNDELIVERED, State.FAILED) and error_code:
            notification.error_code = error_code[:20]
            notification.error = f"Twilio reported {status} with error {error_code}."
            fields += ["error_code", "error"]
        notification.save(update_fields=fields)
    return True


def sms_inbound_apply(*, from_number: str, to_number: str, body: str) -> str:
    """Handle STOP / START / HELP replies; returns the reply text to send back ('' for none)."""
    word = (body or "").strip().split()[0].upper() if (body or "").strip() else ""
    brands = Brand.objects.filter(sms_from_number=to_number)
    customers = Customer.objects.filter(phone=from_number)
    if brands.exists():
        customers = customers.filter(brand__in=brands)
    if word in STOP_WORDS or word in START_WORDS:
        granted = word in START_WORDS
        with transaction.atomic():
            for customer_id in customers.values_list("id", flat=True):
                order_services.consent_record(
                    customer_id=customer_id,
                    channel=ConsentChannel.SMS,
                    granted=granted,
                    source=ConsentSource.SMS_REPLY,
                    detail=f"{word} from {from_number} to {to_number}",
                )
            if not granted:
                Notification.objects.filter(
                    customer__in=customers, channel=Channel.SMS, state=State.PENDING
                ).update(state=State.SKIPPED, error="Opted out of SMS.")
        return ""
    if word in HELP_WORDS:
        brand = brands.first() or (customers.first().brand if customers.exists() else None)  # type: ignore[union-attr]
        if brand is None:
            return "Reply STOP to unsubscribe."
        contact = " / ".join(value for value in (brand.support_email, brand.support_phone) if value)
        return f"{brand.name}: {contact}. Reply STOP to unsubscribe."
    return ""


def notification_resend(*, notification_id: int) -> int:
    """Send a copy of a message again (a staff action): a new row, so history stays intact."""
    original = Notification.objects.get(id=notification_id)
    copy = Notification.objects.create(
        brand_id=original.brand_id,
        customer_id=original.customer_id,
        order_id=original.order_id,
        subject_key=f"{original.subject_key}:resend:{timezone.now().timestamp()}",
        trigger=original.trigger,
        channel=original.channel,
        to=original.to,
        locale=original.locale,
        subject=original.subject,
        body=original.body,
        html_body=original.html_body,
    )
    transaction.on_commit(lambda: _enqueue(copy.id))
    return copy.id


@transaction.atomic
def sms_opt_in(*, customer_id: int, phone: str, detail: str = "") -> None:
    """The shopper proved the number is theirs (a code sent to it): store it and their consent."""
    Customer.objects.filter(id=customer_id).update(phone=phone, updated_at=timezone.now())
    page_versions.customer_changed(customer_id=customer_id)
    order_services.consent_record(
        customer_id=customer_id,
        channel=ConsentChannel.SMS,
        granted=True,
        source=ConsentSource.SHOPPER_FORM,
        detail=detail or f"tracking page, {phone} confirmed by code",
    )


# ---- Templates edited by merchants ---------------------------------------------------------------


class DraftRefused(ValueError):
    """A draft the editor refuses; `errors` are the sentences to show the merchant."""

    def __init__(self, errors: tuple[str, ...]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def message_template_save(*, brand: Brand, draft: Draft) -> MessageTemplate:
    """Store the brand's own wording; refuses anything the live preview flags (syntax, names, length)."""
    check = selectors.template_draft_check(brand=brand, draft=draft)
    if check.errors:
        raise DraftRefused(check.errors)
    template, _ = MessageTemplate.objects.update_or_create(
        brand=brand,
        trigger=draft.trigger,
        channel=draft.channel,
        locale=draft.locale,
        defaults={"subject": draft.subject if draft.channel == Channel.EMAIL else "", "body": draft.body},
    )
    return template


def message_template_reset(*, brand_id: int, trigger: str, channel: str, locale: str) -> bool:
    """Drop the brand's own wording, so the product's default goes out again; False if it had none."""
    deleted, _ = MessageTemplate.objects.filter(
        brand_id=brand_id, trigger=trigger, channel=channel, locale=locale
    ).delete()
    return bool(deleted)


def message_template_send_test(*, brand: Brand, draft: Draft, to_email: str) -> int:
    """Send the draft, rendered with sample values, to a staff member through the outbox.

    Marked as a test and tied to no shopper, so no shopper figure counts it. SMS drafts go by email:
    staff have no phone number on record.
    """
    check = selectors.template_draft_check(brand=brand, draft=draft)
    if not check.renders:
        raise DraftRefused(check.errors)
    label = TRIGGERS[draft.trigger].label
    if draft.channel == Channel.SMS:
        subject = f"[Test] SMS · {label} · {draft.locale}"
        body, html_body = check.body, ""
    else:
        subject = f"[Test] {check.subject}"
        body = check.body
        html_body = _email_html(
            brand=brand,
            subject=check.subject,
            html_body=check.html_body,
            context=check.sample,
        )
    notification = Notification.objects.create(
        brand=brand,
        customer=None,
        is_test=True,
        subject_key=f"test:{uuid.uuid4().hex}",
        trigger=draft.trigger,
        channel=Channel.EMAIL,
        to=to_email,
        locale=draft.locale,
        subject=subject[:200],
        body=body,
        html_body=html_body,
    )
    transaction.on_commit(lambda: _enqueue(notification.id))
    return notification.id
