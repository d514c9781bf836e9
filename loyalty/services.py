"""Writes for the points ledger. Only these functions add ledger entries or change a balance.

Every write locks the member's account row (SELECT … FOR UPDATE) and appends one entry whose
`balance_after` becomes the account's balance: concurrent earns, redemptions and claw-backs are
serialized per member and a balance can never go below zero (also a database constraint).
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from loyalty import rules
from loyalty.models import (
    CODE_ALPHABET,
    CodePurpose,
    DiscountCode,
    DiscountKind,
    EntryKind,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyProgramme,
)
from orders.models import Customer, Order

ACTIVITY_KINDS = frozenset({EntryKind.EARN, EntryKind.REDEEM})


class LoyaltyError(Exception):
    """A ledger write refused, with a message fit for staff and the API."""


class InsufficientPoints(LoyaltyError):
    pass


@dataclass(frozen=True)
class Movement:
    kind: str
    points: int  # signed
    reason: str
    source_key: str = ""
    order_id: int | None = None
    actor_id: int | None = None


def new_referral_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_discount_code(prefix: str = "PP") -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{prefix}-{body[:5]}-{body[5:]}"


def account_ensure(*, customer_id: int) -> LoyaltyAccount:
    """The customer's account, created on first use; safe when two requests create it at once."""
    account = LoyaltyAccount.objects.filter(customer_id=customer_id).first()
    if account is not None:
        return account
    brand_id = Customer.objects.values_list("brand_id", flat=True).get(id=customer_id)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return LoyaltyAccount.objects.create(
                    brand_id=brand_id, customer_id=customer_id, referral_code=new_referral_code()
                )
        except IntegrityError:
            found = LoyaltyAccount.objects.filter(customer_id=customer_id).first()
            if found is not None:
                return found  # created by a concurrent request
    raise LoyaltyError("Could not create a loyalty account.")


def _locked(customer_id: int) -> LoyaltyAccount:
    account_ensure(customer_id=customer_id)
    return LoyaltyAccount.objects.select_for_update().get(customer_id=customer_id)


def _append(account: LoyaltyAccount, movement: Movement) -> LedgerEntry | None:
    """Append under the account lock; None when the source key was recorded before."""
    if (
        movement.source_key
        and LedgerEntry.objects.filter(brand_id=account.brand_id, source_key=movement.source_key).exists()
    ):
        return None
    balance = account.balance + movement.points
    if balance < 0:
        raise InsufficientPoints(f"Only {account.balance} points are available.")
    entry = LedgerEntry.objects.create(
        brand_id=account.brand_id,
        account=account,
        kind=movement.kind,
        points=movement.points,
        balance_after=balance,
        reason=movement.reason[:200],
        source_key=movement.source_key[:100],
        order_id=movement.order_id,
        created_by_id=movement.actor_id,
    )
    account.balance = balance
    fields = ["balance"]
    if movement.kind in ACTIVITY_KINDS:
        account.last_activity_at = entry.created_at
        fields.append("last_activity_at")
    account.save(update_fields=fields)
    return entry


@transaction.atomic
def ledger_record(*, customer_id: int, movement: Movement) -> LedgerEntry | None:
    """Append one movement; idempotent by source key; raises InsufficientPoints rather than go negative."""
    if movement.points == 0:
        return None
    return _append(_locked(customer_id), movement)


def points_adjust(*, customer_id: int, points: int, reason: str, actor_id: int | None) -> LedgerEntry:
    """A staff correction; the reason is required and kept with the entry."""
    reason = reason.strip()
    if not reason:
        raise LoyaltyError("Say why the points are adjusted.")
    if points == 0:
        raise LoyaltyError("An adjustment changes the balance: use a number other than 0.")
    entry = ledger_record(
        customer_id=customer_id,
        movement=Movement(kind=EntryKind.ADJUST, points=points, reason=reason, actor_id=actor_id),
    )
    assert entry is not None  # noqa: S101 - no source key, so never deduplicated
    return entry


def programme_for(*, brand_id: int) -> LoyaltyProgramme | None:
    return LoyaltyProgramme.objects.filter(brand_id=brand_id, active=True).first()


def order_earn_key(order_id: int) -> str:
    return f"order:{order_id}:earn"


def points_for_order(*, programme: LoyaltyProgramme, order: Order) -> int:
    return rules.points_for_amount(
        amount=order.total, rate=programme.points_per_unit, rounding=programme.rounding
    )


def points_credit_for_order(*, order_id: int) -> LedgerEntry | None:
    """Credit the points an order earns; once per order whatever calls it how often."""
    order = Order.objects.select_related("brand").get(id=order_id)
    programme = programme_for(brand_id=order.brand_id)
    if programme is None or order.cancelled_at is not None:
        return None
    points = points_for_order(programme=programme, order=order)
    return ledger_record(
        customer_id=order.customer_id,
        movement=Movement(
            kind=EntryKind.EARN,
            points=points,
            reason=f"Order #{order.number} delivered",
            source_key=order_earn_key(order.id),
            order_id=order.id,
        ),
    )


@transaction.atomic
def points_claw_back_for_refund(
    *, order_id: int, refunded_amount: Decimal, currency: str, source_key: str
) -> int:
    """Take back points in proportion to a refund of the order; idempotent by `source_key`.

    Returns the points taken back. Points already spent are not taken below zero: the balance stops
    at 0 and the entry records what could be taken.
    """
    order = Order.objects.get(id=order_id)
    if currency.upper() != order.currency.upper():
        raise LoyaltyError(f"The refund is in {currency}, the order in {order.currency}.")
    account = LoyaltyAccount.objects.filter(customer_id=order.customer_id).first()
    if account is None:
        return 0
    account = LoyaltyAccount.objects.select_for_update().get(id=account.id)
    key = f"refund:{source_key}"
    if LedgerEntry.objects.filter(brand_id=order.brand_id, source_key=key).exists():
        return 0
    earned = (
        LedgerEntry.objects.filter(order_id=order.id, kind=EntryKind.EARN).aggregate(s=Sum("points"))["s"]
        or 0
    )
    clawed = -(
        LedgerEntry.objects.filter(order_id=order.id, kind=EntryKind.CLAWBACK).aggregate(s=Sum("points"))["s"]
        or 0
    )
    points = rules.claw_back_points(
        earned=earned, already_clawed=clawed, refunded=refunded_amount, total=order.total
    )
    points = min(points, account.balance)
    if points <= 0:
        return 0
    _append(
        account,
        Movement(
            kind=EntryKind.CLAWBACK,
            points=-points,
            reason=f"Refund of {refunded_amount} {currency} on order #{order.number}",
            source_key=key,
            order_id=order.id,
        ),
    )
    return points


@transaction.atomic
def points_redeem(*, customer_id: int, points: int) -> DiscountCode:
    """Turn points into a single-use amount-off code; refused beyond the balance or off the step."""
    customer = Customer.objects.get(id=customer_id)
    programme = programme_for(brand_id=customer.brand_id)
    if programme is None:
        raise LoyaltyError("This brand has no loyalty programme.")
    if points <= 0 or points % programme.redeem_step:
        raise LoyaltyError(f"Redeem points in multiples of {programme.redeem_step}.")
    account = _locked(customer_id)
    code = DiscountCode.objects.create(
        brand_id=customer.brand_id,
        customer_id=customer_id,
        code=new_discount_code(),
        purpose=CodePurpose.POINTS,
        kind=DiscountKind.AMOUNT,
        value=(Decimal(points) * programme.point_value).quantize(Decimal("0.01")),
        currency=programme.currency,
        points=points,
        expires_at=timezone.now() + timedelta(days=programme.code_valid_days),
    )
    _append(
        account,
        Movement(
            kind=EntryKind.REDEEM, points=-points, reason=f"Code {code.code}", source_key=f"code:{code.id}"
        ),
    )
    return code


def points_expire_inactive(*, now: datetime | None = None, brand_id: int | None = None) -> int:
    """Expire the balance of members inactive for their programme's months; idempotent per period."""
    now = now or timezone.now()
    expired = 0
    programmes = LoyaltyProgramme.objects.filter(active=True, expiry_months__gt=0)
    if brand_id is not None:
        programmes = programmes.filter(brand_id=brand_id)
    for programme in programmes:
        cutoff_day = rules.months_before(now.date(), programme.expiry_months)
        candidates = LoyaltyAccount.objects.filter(
            brand_id=programme.brand_id, balance__gt=0, last_activity_at__date__lt=cutoff_day
        ).values_list("customer_id", "last_activity_at")
        for customer_id, last_activity in candidates:
            with transaction.atomic():
                account = _locked(customer_id)
                if account.balance <= 0 or account.last_activity_at != last_activity:
                    continue  # active again since we looked
                # Keyed by the latest entry: a run retried expires once, and points added after an
                # expiry (an adjustment) can expire in their turn.
                latest = (
                    LedgerEntry.objects.filter(account=account)
                    .order_by("-id")
                    .values_list("id", flat=True)[0]
                )
                entry = _append(
                    account,
                    Movement(
                        kind=EntryKind.EXPIRE,
                        points=-account.balance,
                        reason=f"No activity for {programme.expiry_months} months",
                        source_key=f"expire:{account.id}:{latest}",
                    ),
                )
                expired += entry is not None
    return expired
