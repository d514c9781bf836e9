"""Writes for customer care: opening cases, the thread, replies through notifications, the help centre.

A case is opened once per cause (`source_key`): a retried form post, a webhook or a task that runs
twice finds the case it opened before. Replies reach the shopper through the notifications outbox,
so they follow its guarantees (written with the reply, sent at most once, SMS only with consent).
"""

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Final

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from brands.models import Brand
from common.locales import closest_shopper_locale
from common.urls import absolute_url
from notifications import services as notifications
from notifications.models import Channel, Notification
from orders import services as orders
from orders.models import Customer, Order
from support import search
from support.messages import SUPPORT_ADDRESS_CONFIRM, SUPPORT_RECEIVED, SUPPORT_REPLY
from support.models import (
    AcknowledgementDay,
    Author,
    CannedAnswer,
    Case,
    CaseKind,
    CaseMessage,
    CaseStatus,
    FaqArticle,
    FaqCategory,
    Priority,
)
from support.redact import redact_shopper
from support.sanitize import clean_html, plain_text
from tracking.models import Shipment

MAX_MESSAGE_LENGTH: Final = 5000
MAX_SUBJECT_LENGTH: Final = 200
MAX_ARTICLE_LENGTH: Final = 20_000
# "We have your message" emails to one address a day, whoever asks: Ask us is not a mail relay.
ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY: Final = 3
CONFIRM_SALT: Final = "support.case.confirm-address"
CONFIRM_MAX_AGE: Final = 30 * 24 * 3600
# Status moves an agent or the shopper may make; anything else is refused.
ALLOWED_STATUS: Final[dict[str, frozenset[str]]] = {
    CaseStatus.NEW: frozenset({CaseStatus.OPEN, CaseStatus.WAITING, CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.OPEN: frozenset({CaseStatus.WAITING, CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.WAITING: frozenset({CaseStatus.OPEN, CaseStatus.SOLVED, CaseStatus.CLOSED}),
    CaseStatus.SOLVED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


class CaseRefused(ValidationError):
    """A case change that is not allowed (a closed thread, an illegal status move)."""


@dataclass(frozen=True)
class CaseInput:
    kind: str
    subject: str
    body: str
    topic: str = ""
    priority: int = Priority.NORMAL
    customer_id: int | None = None
    order_id: int | None = None
    shipment_id: int | None = None
    email: str = ""
    name: str = ""
    locale: str = ""
    source_key: str = ""
    acknowledge: bool = False  # email the shopper that the message arrived


def case_url(case: Case) -> str:
    return absolute_url(reverse("support-case", kwargs={"brand_slug": case.brand.slug, "token": case.token}))


def _customer_for(*, brand: Brand, data: CaseInput) -> Customer | None:
    if data.customer_id is not None:
        return Customer.objects.get(id=data.customer_id, brand=brand)
    email = data.email.strip().lower()
    if not email:
        return None
    existing = Customer.objects.filter(brand=brand, email__iexact=email).first()
    if existing is not None:
        return existing  # a stranger's form never rewrites a known customer's details
    return orders.customer_upsert(
        brand=brand,
        data=orders.CustomerInput(email=email, first_name=data.name.split(" ")[0][:100], locale=data.locale),
    )


def _clean_text(value: str, *, limit: int, field: str) -> str:
    text = (value or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field: _("Please keep it under %(limit)s characters.") % {"limit": limit}})
    return text


@transaction.atomic
def case_open(*, brand: Brand, data: CaseInput) -> tuple[Case, bool]:
    """Open a case with its first message; the same source_key returns the existing case. (case, created)."""
    if data.kind not in CaseKind.values:
        raise ValidationError({"kind": f"unknown case kind {data.kind!r}"})
    subject = " ".join(_clean_text(data.subject, limit=10_000, field="subject").split())[:MAX_SUBJECT_LENGTH]
    body = _clean_text(data.body, limit=MAX_MESSAGE_LENGTH, field="body")
    if data.source_key:
        existing = Case.objects.filter(brand=brand, source_key=data.source_key).first()
        if existing is not None:
            return existing, False
    order = Order.objects.filter(id=data.order_id, brand=brand).first() if data.order_id else None
    if data.order_id and order is None:
        raise ValidationError({"order": "not an order of this brand"})
    shipment = Shipment.objects.filter(id=data.shipment_id, brand=brand).first() if data.shipment_id else None
    if data.shipment_id and shipment is None:
        raise ValidationError({"shipment": "not a shipment of this brand"})
    customer = _customer_for(brand=brand, data=data)
    if customer is None and order is not None:
        customer = order.customer
    locale = closest_shopper_locale(
        data.locale or (customer.locale if customer else "") or (order.locale if order else ""),
        default=brand.default_locale,
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                brand=brand,
                kind=data.kind,
                topic=data.topic[:32],
                priority=data.priority,
                customer=customer,
                order=order,
                shipment=shipment,
                name=data.name[:200],
                email=(data.email or (customer.email if customer else "")).strip().lower(),
                locale=locale,
                subject=subject,
                source_key=data.source_key[:100],
                last_shopper_message_at=now,
            )
    except IntegrityError:
        return Case.objects.get(brand=brand, source_key=data.source_key), False
    CaseMessage.objects.create(case=case, author=Author.SHOPPER, body=body)
    if data.acknowledge and customer is not None:
        _acknowledge(case=case, customer=customer, order=order)
    return case, True


def _acknowledge(*, case: Case, customer: Customer, order: Order | None) -> None:
    """Tell the shopper the message arrived; quote it only to the address on file for the order.

    Anyone can type any address into Ask us. An address not proven to be the shopper's gets a
    message with none of the sender's words (subject, name) and a link to confirm it, and no
    address gets more than a few acknowledgements a day. The case stays for agents either way.
    """
    if not acknowledgement_slot_take(email=customer.email, day=timezone.now().date()):
        return
    on_file = order is not None and order.customer.email.strip().lower() == customer.email.strip().lower()
    if on_file:
        trigger, context = SUPPORT_RECEIVED, _message_context(case)
    else:
        trigger = SUPPORT_ADDRESS_CONFIRM
        context = {
            "case_reference": case.reference,
            "confirm_url": case_confirm_url(case),
            "first_name": "",  # a stranger may have typed it
            "locale": case.locale,
        }
    notifications.notification_request(
        brand_id=case.brand_id,
        customer_id=customer.id,
        trigger=trigger,
        subject_key=f"case:{case.id}:received",
        context=context,
        channels=(Channel.EMAIL,),
        order_id=order.id if order else None,
    )


def _address_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def acknowledgement_slot_take(*, email: str, day: date) -> bool:
    """One of the address's acknowledgements for the day, counted in Postgres across every server
    and brand; False once the day's share is used."""
    key = _address_key(email)
    AcknowledgementDay.objects.get_or_create(address=key, day=day)
    taken = AcknowledgementDay.objects.filter(
        address=key, day=day, sent__lt=ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY
    ).update(sent=F("sent") + 1)
    return taken == 1


def case_confirm_url(case: Case) -> str:
    """The link that proves the case's address belongs to whoever reads its mail."""
    code = signing.dumps([case.id, case.email], salt=CONFIRM_SALT, compress=True)
    return absolute_url(
        reverse(
            "support-case-confirm",
            kwargs={"brand_slug": case.brand.slug, "token": case.token, "code": code},
        )
    )


def case_address_confirm(*, brand: Brand, token: str, code: str) -> Case | None:
    """Mark the case's address as the shopper's when the link is genuine; idempotent. None if not."""
    try:
        case_id, email = signing.loads(code, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    case = Case.objects.filter(id=case_id, brand=brand, token=token, email=email).first()
    if case is None:
        return None
    Case.objects.filter(id=case.id, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
    return case


def _message_context(case: Case) -> dict[str, object]:
    return {
        "case_reference": case.reference,
        "case_subject": case.subject,
        "case_url": case_url(case),
        "order_number": case.order.number if case.order else "",
        "locale": case.locale,
    }


@transaction.atomic
def case_reply(
    *, case_id: int, staff_id: int, body: str, by_sms: bool = True, status: str = CaseStatus.WAITING
) -> CaseMessage:
    """Answer the shopper: the message joins the thread and goes out by email (and SMS with consent)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("brand", "order").get(id=case_id)
    text = _clean_text(body, limit=MAX_MESSAGE_LENGTH, field="reply")
    _check_move(case, status)  # refused before anything is written or sent
    message = CaseMessage.objects.create(case=case, author=Author.AGENT, staff_id=staff_id, body=text)
    sent: list[str] = []
    if case.customer_id is not None:
        channels = (Channel.EMAIL, Channel.SMS) if by_sms else (Channel.EMAIL,)
        ids = notifications.notification_request(
            brand_id=case.brand_id,
            customer_id=case.customer_id,
            trigger=SUPPORT_REPLY,
            subject_key=f"case:{case.id}:reply:{message.id}",
            context={**_message_context(case), "reply": text},
            channels=channels,
            order_id=case.order_id,
        )
        sent = sorted(set(Notification.objects.filter(id__in=ids).values_list("channel", flat=True)))
    message.sent_by = ",".join(sent)
    message.save(update_fields=["sent_by"])
    updates = ["status", "updated_at"]
    if case.first_response_at is None:
        case.first_response_at = message.created_at
        updates.append("first_response_at")
    if case.assignee_id is None:
        case.assignee_id = staff_id
        updates.append("assignee")
    if status != case.status:
        case.status = status
        if status == CaseStatus.SOLVED:
            case.solved_at = timezone.now()
            updates.append("solved_at")
    case.save(update_fields=updates)
    return message


def case_note_add(*, case_id: int, staff_id: int, body: str) -> CaseMessage:
    """An internal note: kept in the thread, never sent."""
    text = _clean_text(body, limit=MAX_MESSAGE_LENGTH, field="note")
    return CaseMessage.objects.create(case_id=case_id, author=Author.NOTE, staff_id=staff_id, body=text)


@transaction.atomic
def case_shopper_reply(*, case_id: int, body: str) -> CaseMessage:
    """The shopper answers from the case page: the case comes back to the queue."""
    case = Case.objects.select_for_update().get(id=case_id)
    text = _clean_text(body, limit=MAX_MESSAGE_LENGTH, field="body")
    message = CaseMessage.objects.create(case=case, author=Author.SHOPPER, body=text)
    case.last_shopper_message_at = message.created_at
    case.status = CaseStatus.OPEN
    case.solved_at = None
    case.save(update_fields=["last_shopper_message_at", "status", "solved_at", "updated_at"])
    return message


def status_move_allowed(*, current: str, target: str) -> bool:
    """Whether a case may go from `current` to `target` (staying put is always allowed)."""
    return current == target or target in ALLOWED_STATUS.get(current, frozenset())


def _check_move(case: Case, status: str) -> None:
    if not status_move_allowed(current=case.status, target=status):
        raise CaseRefused(
            _("A case cannot move from %(old)s to %(new)s.") % {"old": case.status, "new": status}
        )


@transaction.atomic
def case_status_set(*, case_id: int, status: str, staff_id: int | None = None) -> Case:
    """Move a case along its workflow, writing the move into the thread."""
    case = Case.objects.select_for_update().get(id=case_id)
    if status == case.status:
        return case
    _check_move(case, status)
    previous = case.get_status_display()
    case.status = status
    case.solved_at = timezone.now() if status == CaseStatus.SOLVED else case.solved_at
    case.save(update_fields=["status", "solved_at", "updated_at"])
    CaseMessage.objects.create(
        case=case,
        author=Author.SYSTEM,
        staff_id=staff_id,
        body=f"{previous} → {case.get_status_display()}",
    )
    return case


def _unique_slug(*, brand_id: int, locale: str, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:180] or "answer"
    slug, number = base, 2
    while FaqArticle.objects.filter(brand_id=brand_id, locale=locale, slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def faq_article_save(*, article: FaqArticle) -> FaqArticle:
    """Save an answer with its HTML sanitized and its search vector refreshed; its category must be of
    the same brand and language (a Polish answer never lands in a Romanian category)."""
    article.clean()
    article.body = clean_html(article.body)
    if len(article.body) > MAX_ARTICLE_LENGTH:
        raise ValidationError(
            {"body": _("Please keep it under %(limit)s characters.") % {"limit": MAX_ARTICLE_LENGTH}}
        )
    article.title = " ".join(article.title.split())
    if not article.slug:
        article.slug = _unique_slug(brand_id=article.brand_id, locale=article.locale, title=article.title)
    article.save()
    search.search_vector_refresh(
        article_id=article.id, locale=article.locale, title=article.title, text=plain_text(article.body)
    )
    return article


@transaction.atomic
def faq_from_case(*, case_id: int) -> FaqArticle:
    """Turn a case's question and latest answer into an unpublished FAQ draft in the case's language,
    with the shopper's name, email, phone and order numbers taken out."""
    case = Case.objects.select_related("brand", "customer", "order").get(id=case_id)
    answer = case.messages.filter(author=Author.AGENT).order_by("-created_at", "-id").first()
    if answer is None:
        raise CaseRefused(_("Answer the case before turning it into an FAQ."))
    locale = case.locale or case.brand.default_locale
    category = FaqCategory.objects.filter(brand=case.brand, locale=locale).order_by("position", "id").first()
    if category is None:
        category = FaqCategory.objects.create(
            brand=case.brand, locale=locale, title=_("From support"), slug="from-support", position=99
        )
    scrub = _shopper_redactor(case)
    paragraphs = "".join(f"<p>{paragraph}</p>" for paragraph in _paragraphs(scrub(answer.body)))
    article = FaqArticle(
        brand=case.brand,
        category=category,
        locale=locale,
        title=scrub(case.subject)[:200] or _("Answer from support"),
        body=paragraphs,
        published=False,
        position=99,
        from_case=case,
        translation_key=uuid.uuid4().hex,
    )
    return faq_article_save(article=article)


def _shopper_redactor(case: Case) -> Callable[[str], str]:
    customer = case.customer
    names = [case.name]
    emails = [case.email]
    phones: list[str] = []
    numbers = [case.order.number] if case.order else []
    if customer is not None:
        names += [customer.first_name, customer.last_name]
        emails.append(customer.email)
        phones.append(customer.phone)
        numbers += list(Order.objects.filter(customer=customer).values_list("number", flat=True)[:50])
    return partial(redact_shopper, names=names, emails=emails, phones=phones, order_numbers=numbers)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, escaped; a single line break stays one. Browsers send \r\n."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [
        "<br>".join(escape(line.strip()) for line in part.strip().split("\n"))
        for part in parts
        if part.strip()
    ]


def article_viewed(*, article_id: int) -> None:
    FaqArticle.objects.filter(id=article_id).update(views=F("views") + 1)


def article_vote(*, article_id: int, helpful: bool) -> None:
    field = "helpful_yes" if helpful else "helpful_no"
    FaqArticle.objects.filter(id=article_id).update(**{field: F(field) + 1})


@transaction.atomic
def help_centre_starter_install(*, brand: Brand) -> int:
    """Give a brand the starter answers and canned replies in each of its languages; idempotent.

    Returns how many answers were added. Answers the brand already has (same slug) are left as edited.
    """
    from common.shopper import enabled_locales
    from support.starter import ANSWERS, CANNED, CATEGORIES, starter_translation_key

    added = 0
    for locale in enabled_locales(brand):
        answers = ANSWERS.get(locale)
        if not answers:
            continue
        categories = {}
        for position, (key, titles) in enumerate(CATEGORIES.items()):
            categories[key], _created = FaqCategory.objects.get_or_create(
                brand=brand, locale=locale, slug=key, defaults={"title": titles[locale], "position": position}
            )
        for position, answer in enumerate(answers):
            if FaqArticle.objects.filter(brand=brand, locale=locale, slug=answer.slug).exists():
                continue
            faq_article_save(
                article=FaqArticle(
                    brand=brand,
                    category=categories[answer.category],
                    locale=locale,
                    slug=answer.slug,
                    title=answer.title,
                    body=answer.body,
                    position=position,
                    statuses=list(answer.statuses),
                    translation_key=starter_translation_key(position),
                )
            )
            added += 1
        for title, body in CANNED.get(locale, ()):
            CannedAnswer.objects.get_or_create(
                brand=brand, locale=locale, title=title, defaults={"body": body}
            )
    return added


def case_assign(*, case_id: int, priority: int, assignee_id: int | None) -> None:
    """Set who works a case and how urgent it is; the assignee must be staff of the case's brand."""
    case = Case.objects.get(id=case_id)
    if assignee_id is not None and not case.brand.memberships.filter(user_id=assignee_id).exists():
        raise ValidationError({"assignee": _("Choose someone of this brand's team.")})
    if priority not in Priority.values:
        raise ValidationError({"priority": f"unknown priority {priority!r}"})
    Case.objects.filter(id=case_id).update(
        priority=priority, assignee_id=assignee_id, updated_at=timezone.now()
    )
