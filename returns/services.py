"""Writes for returns. Only these functions save return models.

`return_request` turns a shopper's choice into a priced return, never handing out more than was
bought (the order's lines are locked while it counts); `return_transition` is the one way a return
changes status: it checks the move against the table, stamps who and when, and in the same
transaction records the shopper notification and the store's webhook.
"""

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from orders.models import Order, OrderLine
from returns import hooks, notify, policy, presentation, selectors, webhooks
from returns.models import (
    ItemCondition,
    Return,
    ReturnEvent,
    ReturnLine,
    ReturnNote,
    ReturnPhoto,
    ReturnPolicy,
    ReturnReason,
    ReturnRule,
)
from returns.photos import MAX_PHOTOS, CheckedPhoto
from returns.reasons import DEFAULT_REASONS
from returns.statuses import (
    ALLOWED,
    RESOLVED_STATUS,
    RESOLVED_STATUSES,
    SHOPPER_TRIGGERS,
    TIMESTAMP_FIELD,
    Resolution,
    ReturnStatus,
    staff_moves,
)
from tracking import services as tracking_services

logger = logging.getLogger(__name__)
RMA_ALPHABET: Final = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


@dataclass(frozen=True)
class Actor:
    """Who moved a return: the shopper, the system, an API key's brand or a staff user."""

    label: str
    user_id: int | None = None


SHOPPER: Final = Actor("shopper")
SYSTEM: Final = Actor("system")


@dataclass(frozen=True)
class RequestedLine:
    order_line_id: int
    quantity: int
    exchange_for_id: int | None = None


class IllegalTransition(Exception):
    """The move is not in the lifecycle table, or its conditions do not hold."""

    def __init__(self, message: str, *, from_status: str = "", to_status: str = "") -> None:
        super().__init__(message)
        self.from_status = from_status
        self.to_status = to_status


class AlreadyDone(IllegalTransition):
    """The return is already where the move would take it: a second click or a replayed request."""


@dataclass(frozen=True)
class LineInspection:
    """What staff found for one line: its condition, how many came back fit to accept, and what they
    are worth (None: their full price) with the reason when that differs."""

    line_id: int
    condition: str
    accepted_quantity: int
    refund_amount: Decimal | None = None
    adjustment_reason: str = ""


def new_rma() -> str:
    return "R-" + "".join(secrets.choice(RMA_ALPHABET) for _ in range(8))


# ---- policy editing -------------------------------------------------------------------------------


def policy_settings_set(*, brand: Brand, **values: object) -> ReturnPolicy:
    """Create or change the brand's policy settings (auto_approve, credit_bonus_percent, …)."""
    settings, _ = ReturnPolicy.objects.get_or_create(brand=brand)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


def rule_set(
    *, brand: Brand, category: str = "", product_id: int | None = None, **terms: object
) -> ReturnRule:
    """Create or change the rule of a category (blank: the brand's default) or of one product."""
    if product_id is not None:
        rule = ReturnRule.objects.filter(brand=brand, product_id=product_id).first() or ReturnRule(
            brand=brand, product_id=product_id
        )
    else:
        rule = ReturnRule.objects.filter(
            brand=brand, category=category, product__isnull=True
        ).first() or ReturnRule(brand=brand, category=category)
    for name, value in terms.items():
        setattr(rule, name, value)
    rule.full_clean(validate_unique=False, validate_constraints=False)
    rule.save()
    return rule


def reasons_ensure_defaults(*, brand: Brand) -> None:
    """Give a brand the default reasons the first time it needs them; idempotent."""
    if ReturnReason.objects.filter(brand=brand).exists():
        return
    for position, default in enumerate(DEFAULT_REASONS):
        ReturnReason.objects.get_or_create(
            brand=brand,
            code=default.code,
            defaults={
                "label": default.english,
                "brand_fault": default.brand_fault,
                "requires_photo": default.requires_photo,
                "position": position,
            },
        )


# ---- requesting ------------------------------------------------------------------------------------


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def return_quote(
    *,
    book: policy.PolicyBook,
    options: Sequence[selectors.LineOption],
    lines: Sequence[RequestedLine],
    resolution: str,
    brand_fault: bool,
) -> policy.Quote:
    by_id = {option.line.id: option for option in options}
    return policy.quote(
        lines=[
            policy.QuoteLine(
                unit_price=by_id[line.order_line_id].line.unit_price,
                quantity=line.quantity,
                rule=by_id[line.order_line_id].rule,
            )
            for line in lines
        ],
        resolution=resolution,
        brand_fault=brand_fault,
        credit_bonus_percent=book.credit_bonus_percent,
    )


def check_lines(
    *, options: Sequence[selectors.LineOption], lines: Sequence[RequestedLine]
) -> list[selectors.LineOption]:
    """The options behind the requested lines, or a ValidationError naming the first problem."""
    if not lines:
        raise _invalid("lines", _("Choose at least one item to return."))
    by_id = {option.line.id: option for option in options}
    seen: set[int] = set()
    chosen = []
    for line in lines:
        option = by_id.get(line.order_line_id)
        if option is None or line.order_line_id in seen:
            raise _invalid("lines", _("This item is not part of your order."))
        seen.add(line.order_line_id)
        if not option.eligible:
            raise _invalid("lines", f"{option.line.title}: {presentation.refusal_text(option.verdict)}")
        if line.quantity < 1 or line.quantity > option.remaining:
            raise _invalid(
                "lines",
                _("%(title)s: you can return at most %(count)s.")
                % {"title": option.line.title, "count": option.remaining},
            )
        chosen.append(option)
    return chosen


def check_resolution(
    *, chosen: Sequence[selectors.LineOption], lines: Sequence[RequestedLine], resolution: str
) -> None:
    allowed = policy.allowed_resolutions([option.rule for option in chosen])
    if resolution not in allowed:
        raise _invalid("resolution", _("This option is not available for the items you chose."))
    by_id = {option.line.id: option for option in chosen}
    for line in lines:
        if line.exchange_for_id is None:
            continue
        if resolution != Resolution.EXCHANGE:
            raise _invalid("resolution", _("Choose an exchange to pick another size or colour."))
        if line.exchange_for_id not in {variant.id for variant in by_id[line.order_line_id].variants}:
            raise _invalid("resolution", _("This size or colour is not available."))


def return_request(
    *,
    brand: Brand,
    order_id: int,
    lines: Sequence[RequestedLine],
    reason_id: int,
    resolution: str,
    comment: str = "",
    photos: Sequence[CheckedPhoto] = (),
    actor: Actor = SHOPPER,
    locale: str = "",
    now: datetime | None = None,
) -> Return:
    """Open a return for some of an order's lines; auto-approved when the brand's rules allow.

    Safe under concurrency: the order's lines are locked while the quantities already returned are
    counted, so two requests racing for the last unit cannot both win.
    """
    now = now or timezone.now()
    if len(photos) > MAX_PHOTOS:
        raise _invalid("photos", _("Send at most %(count)s photos.") % {"count": MAX_PHOTOS})
    if len(comment) > 2000:
        raise _invalid("comment", _("Please keep the comment under 2000 characters."))
    with transaction.atomic():
        order = Order.objects.filter(brand=brand, id=order_id).first()
        if order is None:
            raise _invalid("lines", _("This item is not part of your order."))
        # The lock that makes "never more than was bought" hold; always taken in id order.
        list(OrderLine.objects.select_for_update().filter(order=order).order_by("id").values_list("id"))
        book = selectors.policy_book(brand=brand)
        options = selectors.order_options(order=order, book=book, now=now)
        chosen = check_lines(options=options, lines=lines)
        reason = ReturnReason.objects.filter(brand=brand, id=reason_id, active=True).first()
        if reason is None:
            raise _invalid("reason", _("Choose a reason from the list."))
        check_resolution(chosen=chosen, lines=lines, resolution=resolution)
        if reason.requires_photo and not photos:
            raise _invalid("photos", _("Please add a photo of the problem."))
        quote = return_quote(
            book=book, options=options, lines=lines, resolution=resolution, brand_fault=reason.brand_fault
        )
        delivered_at = max((o.delivered_at for o in chosen if o.delivered_at is not None), default=None)
        ret = _create_return(
            brand=brand,
            order=order,
            reason=reason,
            resolution=resolution,
            comment=comment,
            quote=quote,
            locale=locale,
            delivered_at=delivered_at,
            now=now,
        )
        by_id = {option.line.id: option for option in chosen}
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    return_request=ret,
                    order_line_id=line.order_line_id,
                    quantity=line.quantity,
                    unit_price=by_id[line.order_line_id].line.unit_price,
                    exchange_for_id=line.exchange_for_id,
                )
                for line in lines
            ]
        )
        for photo in photos:
            ReturnPhoto.objects.create(
                return_request=ret,
                image=File(photo.file, name=f"photo.{photo.extension}"),
                content_type=photo.content_type,
                size=photo.size,
                width=photo.width,
                height=photo.height,
            )
        _record(ret, from_status="", to_status=ReturnStatus.REQUESTED, actor=actor, note="")
        if book.auto_approve and not reason.requires_photo:
            _move(ret, to_status=ReturnStatus.APPROVED, actor=SYSTEM, note=_auto_note(quote))
        return ret


def _auto_note(quote: policy.Quote) -> str:
    return "approved by the policy" + (" (keep the items)" if quote.keep_item else "")


def _create_return(
    *,
    brand: Brand,
    order: Order,
    reason: ReturnReason,
    resolution: str,
    comment: str,
    quote: policy.Quote,
    locale: str,
    delivered_at: datetime | None,
    now: datetime,
) -> Return:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return Return.objects.create(
                    brand=brand,
                    order=order,
                    rma=new_rma(),
                    reason=reason,
                    resolution=resolution,
                    comment=comment.strip(),
                    keep_item=quote.keep_item,
                    currency=order.currency,
                    items_value=quote.items_value,
                    shipping_fee=quote.shipping_fee,
                    restocking_fee=quote.restocking_fee,
                    bonus=quote.bonus,
                    amount=quote.amount,
                    delivered_at=delivered_at,
                    locale=locale,
                    requested_at=now,
                )
        except IntegrityError:
            continue  # an RMA collision: draw again
    raise RuntimeError("could not draw a free RMA number")


# ---- lifecycle -------------------------------------------------------------------------------------


def _record(ret: Return, *, from_status: str, to_status: str, actor: Actor, note: str) -> ReturnEvent:
    trigger = SHOPPER_TRIGGERS.get(to_status, "")
    event = ReturnEvent.objects.create(
        return_request=ret,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.user_id,
        actor_label=actor.label[:100],
        note=note[:500],
        shopper_trigger=trigger,
    )
    if trigger:
        try:
            with transaction.atomic():
                notify.notify_shopper(ret.id, trigger)
        except Exception:
            # A message that cannot be queued must not undo the return itself; the event row keeps it.
            logger.exception("could not queue the %s notification for return %s", trigger, ret.id)
    webhooks.deliveries_record(ret=ret, event_type=f"return.{to_status}")
    return event


def _move(ret: Return, *, to_status: str, actor: Actor, note: str, amount: Decimal | None = None) -> None:
    from_status = ret.status
    if to_status not in ALLOWED.get(from_status, frozenset()):
        raise IllegalTransition(
            f"A return cannot go from {from_status} to {to_status}.",
            from_status=from_status,
            to_status=to_status,
        )
    if to_status in RESOLVED_STATUSES:
        expected = RESOLVED_STATUS[ret.resolution]
        if to_status != expected:
            raise IllegalTransition(
                f"This return was asked as {ret.resolution}: it ends as {expected}, not {to_status}.",
                from_status=from_status,
                to_status=to_status,
            )
        if from_status == ReturnStatus.APPROVED and not ret.keep_item:
            raise IllegalTransition(
                "The items must be received before the return is resolved.",
                from_status=from_status,
                to_status=to_status,
            )
        issued = ret.amount_due if amount is None else amount
        if issued < 0 or issued > ret.items_value + ret.bonus:
            raise IllegalTransition("The amount must be between 0 and the items' value.")
        ret.amount_issued = issued
    elif amount is not None:
        raise IllegalTransition("An amount is only recorded when the return is resolved.")
    if to_status in (ReturnStatus.IN_TRANSIT, ReturnStatus.RECEIVED) and ret.keep_item:
        raise IllegalTransition("The shopper keeps these items: nothing comes back.")
    ret.status = to_status
    now = timezone.now()
    stamp = TIMESTAMP_FIELD.get(to_status)
    fields = ["status", "updated_at", "amount_issued"]
    if stamp:
        setattr(ret, stamp, now)
        fields.append(stamp)
    ret.save(update_fields=fields)
    _record(ret, from_status=from_status, to_status=to_status, actor=actor, note=note)
    if to_status in RESOLVED_STATUSES:
        resolved = hooks.ReturnResolved(
            return_id=ret.id,
            order_id=ret.order_id,
            brand_id=ret.brand_id,
            status=to_status,
            amount=ret.amount_issued if ret.amount_issued is not None else ret.amount,
            items_value=ret.items_value,
            currency=ret.currency,
        )
        for hook in hooks.RESOLVED_HOOKS:
            hook(resolved)


@transaction.atomic
def return_transition(
    *,
    return_id: int,
    to_status: str,
    actor: Actor,
    note: str = "",
    amount: Decimal | None = None,
    brand_id: int | None = None,
) -> Return:
    """Move a return one step along the lifecycle; a repeat of the current status changes nothing.

    `brand_id`, when given, must be the return's brand (the caller's scope). Raises IllegalTransition.
    """
    ret = Return.objects.select_for_update().filter(id=return_id).first()
    if ret is None or (brand_id is not None and ret.brand_id != brand_id):
        raise Return.DoesNotExist(return_id)
    if to_status not in ReturnStatus.values:
        raise IllegalTransition(f"Unknown status {to_status!r}.", from_status=ret.status, to_status=to_status)
    if ret.status == to_status and amount is None:
        return ret
    _move(ret, to_status=to_status, actor=actor, note=note, amount=amount)
    return ret


def _locked(return_id: int, brand_id: int | None) -> Return:
    ret = Return.objects.select_for_update().filter(id=return_id).first()
    if ret is None or (brand_id is not None and ret.brand_id != brand_id):
        raise Return.DoesNotExist(return_id)
    return ret


def _check_staff_move(ret: Return, to_status: str) -> None:
    if ret.status == to_status:
        raise AlreadyDone(
            _("%(rma)s is already %(status)s.")
            % {"rma": ret.rma, "status": ReturnStatus(to_status).label.lower()},
            from_status=ret.status,
            to_status=to_status,
        )
    if to_status not in staff_moves(status=ret.status, keep_item=ret.keep_item):
        raise IllegalTransition(
            _("%(rma)s is %(status)s: it cannot be %(move)s.")
            % {
                "rma": ret.rma,
                "status": ReturnStatus(ret.status).label.lower(),
                "move": ReturnStatus(to_status).label.lower(),
            },
            from_status=ret.status,
            to_status=to_status,
        )


@transaction.atomic
def return_staff_move(*, return_id: int, to_status: str, actor: Actor, brand_id: int | None = None) -> Return:
    """A move staff make by hand (approve, mark received); a repeat raises AlreadyDone and changes nothing."""
    ret = _locked(return_id, brand_id)
    if to_status in (ReturnStatus.REJECTED, ReturnStatus.INSPECTED, *RESOLVED_STATUSES):
        raise IllegalTransition(
            f"{to_status} has its own service.", from_status=ret.status, to_status=to_status
        )
    _check_staff_move(ret, to_status)
    _move(ret, to_status=to_status, actor=actor, note="")
    return ret


REJECTION_REASON_MAX: Final = 500


@transaction.atomic
def return_reject(
    *,
    return_id: int,
    reason: str,
    actor: Actor,
    translations: dict[str, str] | None = None,
    brand_id: int | None = None,
) -> Return:
    """Reject with a reason the shopper reads (in their language when a translation is given)."""
    reason = reason.strip()
    cleaned = {locale: text.strip() for locale, text in (translations or {}).items() if text.strip()}
    if not reason:
        raise _invalid("reason", _("Write the reason the shopper will read."))
    if any(len(text) > REJECTION_REASON_MAX for text in (reason, *cleaned.values())):
        raise _invalid(
            "reason", _("Keep the reason under %(count)s characters.") % {"count": REJECTION_REASON_MAX}
        )
    if not set(cleaned) <= {code for code, _name in django_settings.LANGUAGES}:
        raise _invalid("reason", _("A translation is in a language the shop does not offer."))
    ret = _locked(return_id, brand_id)
    _check_staff_move(ret, ReturnStatus.REJECTED)
    ret.rejection_reason = reason
    ret.rejection_reason_translations = cleaned
    ret.save(update_fields=["rejection_reason", "rejection_reason_translations", "updated_at"])
    _move(ret, to_status=ReturnStatus.REJECTED, actor=actor, note=reason)
    return ret


def _checked_inspections(ret: Return, inspections: Sequence[LineInspection]) -> dict[int, LineInspection]:
    lines = {line.id: line for line in ret.lines.all()}
    by_id = {inspection.line_id: inspection for inspection in inspections}
    if set(by_id) != set(lines) or len(by_id) != len(inspections):
        raise _invalid("lines", _("Inspect every item of the return once."))
    for inspection in inspections:
        line = lines[inspection.line_id]
        if inspection.condition not in ItemCondition.values:
            raise _invalid("lines", _("Choose the condition of every item."))
        if not 0 <= inspection.accepted_quantity <= line.quantity:
            raise _invalid(
                "lines",
                _("%(item)s: accept between 0 and %(count)s.") % {"item": line, "count": line.quantity},
            )
        full = line.unit_price * inspection.accepted_quantity
        if inspection.refund_amount is not None and not 0 <= inspection.refund_amount <= full:
            raise _invalid(
                "lines",
                _("%(item)s: the amount must be between 0 and %(full)s.") % {"item": line, "full": full},
            )
        adjusted = inspection.accepted_quantity < line.quantity or (
            inspection.refund_amount is not None and inspection.refund_amount != full
        )
        if adjusted and not inspection.adjustment_reason.strip():
            raise _invalid("lines", _("%(item)s: say why the amount changed.") % {"item": line})
        if len(inspection.adjustment_reason) > 300:
            raise _invalid("lines", _("Keep each reason under 300 characters."))
    return by_id


def _bonus_percent(brand_id: int) -> Decimal:
    value = (
        ReturnPolicy.objects.filter(brand_id=brand_id).values_list("credit_bonus_percent", flat=True).first()
    )
    return value if value is not None else Decimal(0)


@transaction.atomic
def return_inspect(
    *, return_id: int, inspections: Sequence[LineInspection], actor: Actor, brand_id: int | None = None
) -> Return:
    """Record what came back, line by line, and what the shopper gets for it; the quote is kept."""
    ret = _locked(return_id, brand_id)
    _check_staff_move(ret, ReturnStatus.INSPECTED)
    by_id = _checked_inspections(ret, inspections)
    lines = list(ret.lines.all())
    for line in lines:
        inspection = by_id[line.id]
        line.condition = inspection.condition
        line.accepted_quantity = inspection.accepted_quantity
        full = line.unit_price * inspection.accepted_quantity
        line.refund_amount = policy.cents(
            full if inspection.refund_amount is None else inspection.refund_amount
        )
        line.adjustment_reason = inspection.adjustment_reason.strip()
    ReturnLine.objects.bulk_update(
        lines, ["condition", "accepted_quantity", "refund_amount", "adjustment_reason"]
    )
    settlement = policy.settle(
        quoted_items_value=ret.items_value,
        shipping_fee=ret.shipping_fee,
        restocking_fee=ret.restocking_fee,
        bonus=ret.bonus,
        accepted_value=sum((line.refund_amount or Decimal(0) for line in lines), Decimal(0)),
        resolution=ret.resolution,
        credit_bonus_percent=_bonus_percent(ret.brand_id),
    )
    ret.inspected_items_value = settlement.items_value
    ret.inspected_restocking_fee = settlement.restocking_fee
    ret.inspected_bonus = settlement.bonus
    ret.inspected_amount = settlement.amount
    ret.save(
        update_fields=[
            "inspected_items_value",
            "inspected_restocking_fee",
            "inspected_bonus",
            "inspected_amount",
            "updated_at",
        ]
    )
    note = f"inspected: {settlement.amount} {ret.currency} due (asked {ret.amount})"
    _move(ret, to_status=ReturnStatus.INSPECTED, actor=actor, note=note)
    return ret


def _change_resolution(ret: Return, resolution: str) -> str:
    """Switch what the return ends as, with the amount due recomputed; the note for the history."""
    inspected = ret.inspected_items_value is not None
    settlement = policy.settle(
        quoted_items_value=ret.items_value,
        shipping_fee=ret.shipping_fee,
        restocking_fee=ret.restocking_fee,
        bonus=ret.bonus,
        accepted_value=ret.inspected_items_value
        if ret.inspected_items_value is not None
        else ret.items_value,
        resolution=resolution,
        credit_bonus_percent=_bonus_percent(ret.brand_id),
    )
    note = f"resolution changed from {ret.resolution} to {resolution} by staff"
    ret.resolution = resolution
    if inspected:
        ret.inspected_bonus, ret.inspected_amount = settlement.bonus, settlement.amount
        fields = ["resolution", "inspected_bonus", "inspected_amount", "updated_at"]
    else:
        ret.bonus, ret.amount = settlement.bonus, settlement.amount
        fields = ["resolution", "bonus", "amount", "updated_at"]
    ret.save(update_fields=fields)
    return note


def resolution_amounts(ret: Return) -> dict[str, Decimal]:
    """What each resolution would pay out for this return now (the chosen one is the amount due)."""
    accepted = ret.inspected_items_value if ret.inspected_items_value is not None else ret.items_value
    percent = _bonus_percent(ret.brand_id)
    amounts = {}
    for resolution in Resolution.values:
        if resolution == ret.resolution:
            amounts[resolution] = ret.amount_due
            continue
        amounts[resolution] = policy.settle(
            quoted_items_value=ret.items_value,
            shipping_fee=ret.shipping_fee,
            restocking_fee=ret.restocking_fee,
            bonus=ret.bonus,
            accepted_value=accepted,
            resolution=resolution,
            credit_bonus_percent=percent,
        ).amount
    return amounts


@transaction.atomic
def return_settle(*, return_id: int, resolution: str, actor: Actor, brand_id: int | None = None) -> Return:
    """Refund, credit or exchange for the amount due (the inspected amount once inspected): the
    shopper's choice, or another one staff switch to. A repeat raises AlreadyDone."""
    if resolution not in Resolution.values:
        raise IllegalTransition(f"Unknown resolution {resolution!r}.")
    ret = _locked(return_id, brand_id)
    to_status = RESOLVED_STATUS[resolution]
    if ret.status in RESOLVED_STATUSES and ret.status != to_status:
        raise AlreadyDone(
            _("%(rma)s is already %(status)s.")
            % {"rma": ret.rma, "status": ReturnStatus(ret.status).label.lower()},
            from_status=ret.status,
            to_status=to_status,
        )
    _check_staff_move(ret, to_status)
    note = _change_resolution(ret, resolution) if resolution != ret.resolution else ""
    _move(ret, to_status=to_status, actor=actor, note=note)
    return ret


def return_resolve(
    *, return_id: int, actor: Actor, amount: Decimal | None = None, brand_id: int | None = None
) -> Return:
    """Carry out the resolution the shopper chose: refunded, credited or exchanged."""
    ret = Return.objects.filter(id=return_id).only("resolution").first()
    if ret is None:
        raise Return.DoesNotExist(return_id)
    return return_transition(
        return_id=return_id,
        to_status=RESOLVED_STATUS[ret.resolution],
        actor=actor,
        amount=amount,
        brand_id=brand_id,
    )


@transaction.atomic
def return_shipment_attach(
    *, return_id: int, tracking_number: str, carrier_code: str = "", brand_id: int | None = None
) -> Return:
    """Track the parcel coming back with the same machinery as outbound ones."""
    ret = Return.objects.select_for_update().select_related("brand", "order").filter(id=return_id).first()
    if ret is None or (brand_id is not None and ret.brand_id != brand_id):
        raise Return.DoesNotExist(return_id)
    if ret.keep_item or ret.status not in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT):
        raise IllegalTransition("Only an approved return travels back.", from_status=ret.status)
    settings = ReturnPolicy.objects.filter(brand=ret.brand).first()
    shipment, _ = tracking_services.shipment_upsert(
        brand=ret.brand,
        order=ret.order,
        carrier_code=carrier_code or (settings.return_carrier_code if settings else "dpd"),
        tracking_number=tracking_number,
        direction="return",
        lines=[(line.order_line_id, line.quantity) for line in ret.lines.all()],
        source="returns",
    )
    ret.return_shipment = shipment
    ret.save(update_fields=["return_shipment", "updated_at"])
    return ret


def on_return_shipment_status(*, shipment_id: int, new_status: str) -> None:
    """A return parcel moved: in transit → the return is on its way; delivered → received."""
    ret = Return.objects.select_for_update().filter(return_shipment_id=shipment_id).first()
    if ret is None:
        return
    carrier = Actor("carrier")
    if new_status == "delivered" and ret.status in (ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT):
        _move(ret, to_status=ReturnStatus.RECEIVED, actor=carrier, note="delivered to the warehouse")
    elif new_status in ("in_transit", "out_for_delivery") and ret.status == ReturnStatus.APPROVED:
        _move(ret, to_status=ReturnStatus.IN_TRANSIT, actor=carrier, note="scanned by the carrier")


def note_add(*, return_id: int, author_id: int | None, body: str) -> ReturnNote:
    body = body.strip()
    if not body:
        raise ValidationError({"body": ["Write something."]})
    return ReturnNote.objects.create(return_request_id=return_id, author_id=author_id, body=body[:4000])
