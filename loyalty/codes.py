"""Single-use discount codes: issued for points, thank-yous and occasions; checked and consumed by the
store through the API. Consuming is one conditional UPDATE, so a code is never used twice."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from common import page_versions
from loyalty.models import CodeStatus, DiscountCode, DiscountKind
from loyalty.services import LoyaltyError, new_discount_code

MAX_CODE_LENGTH = 32
# Every code we issue, referral codes included; anything else (a NUL byte, say) is not looked up at all.
CODE_SHAPE = re.compile(rf"^[A-Z0-9-]{{1,{MAX_CODE_LENGTH}}}$")


class CodeNotFound(LoyaltyError):
    pass


class CodeUnusable(LoyaltyError):
    """Used before, void or expired."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CodeView:
    code: str
    purpose: str
    kind: str
    value: Decimal
    currency: str
    status: str
    usable: bool
    expires_at: datetime | None
    redeemed_at: datetime | None


def normalize(code: str) -> str:
    return code.strip().upper()[:MAX_CODE_LENGTH]


def well_formed(code: str) -> bool:
    """Whether the text could be one of our codes, once normalized."""
    return bool(CODE_SHAPE.match(code.strip().upper()))


def discount_code_issue(
    *,
    brand_id: int,
    customer_id: int | None,
    purpose: str,
    kind: str = DiscountKind.PERCENT,
    value: Decimal,
    currency: str = "",
    valid_days: int = 90,
    prefix: str = "PP",
) -> DiscountCode:
    """A new single-use code; its text is random and unique across brands."""
    if value <= 0 or (kind == DiscountKind.PERCENT and value > 100):
        raise LoyaltyError("A discount is more than 0, and at most 100 percent.")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DiscountCode.objects.create(
                    brand_id=brand_id,
                    customer_id=customer_id,
                    code=new_discount_code(prefix),
                    purpose=purpose,
                    kind=kind,
                    value=value,
                    currency=currency if kind == DiscountKind.AMOUNT else "",
                    expires_at=timezone.now() + timedelta(days=valid_days),
                )
        except IntegrityError:
            continue  # the same random text twice: draw again
    raise LoyaltyError("Could not issue a code.")


def _view(row: DiscountCode, *, now: datetime) -> CodeView:
    expired = row.expires_at is not None and row.expires_at <= now
    return CodeView(
        code=row.code,
        purpose=row.purpose,
        kind=row.kind,
        value=row.value,
        currency=row.currency,
        status="expired" if expired and row.status == CodeStatus.ISSUED else row.status,
        usable=row.status == CodeStatus.ISSUED and not expired,
        expires_at=row.expires_at,
        redeemed_at=row.redeemed_at,
    )


def discount_code_check(*, brand_id: int, code: str) -> CodeView:
    """What a code is worth and whether it can be used; another brand's code is not found."""
    row = (
        DiscountCode.objects.filter(brand_id=brand_id, code=normalize(code)).first()
        if well_formed(code)
        else None
    )
    if row is None:
        raise CodeNotFound("No such code.")
    return _view(row, now=timezone.now())


def discount_code_consume(
    *, brand_id: int, code: str, order_ref: str = "", order_total: Decimal | None = None
) -> CodeView:
    """Mark the code used, once: a second call (or a concurrent one) raises CodeUnusable."""
    now = timezone.now()
    text = normalize(code)
    if not well_formed(text):
        raise CodeNotFound("No such code.")
    claimed = (
        DiscountCode.objects.filter(brand_id=brand_id, code=text, status=CodeStatus.ISSUED)
        .exclude(expires_at__lte=now)
        .update(
            status=CodeStatus.REDEEMED,
            redeemed_at=now,
            redeemed_order_ref=order_ref[:64],
            redeemed_order_total=order_total,
        )
    )
    row = DiscountCode.objects.filter(brand_id=brand_id, code=text).first()
    if row is None:
        raise CodeNotFound("No such code.")
    if claimed:
        page_versions.customer_changed(customer_id=row.customer_id)
    view = _view(row, now=now)
    if not claimed:
        reason = "expired" if view.status == "expired" else row.status
        raise CodeUnusable(f"This code cannot be used: {reason}.", reason=reason)
    return view
