"""Referrals: a friend arrives through a customer's link; when the friend's first order is delivered
and not returned, both earn their points. Self-referrals and loops are refused."""

from django.db import transaction
from django.utils import timezone

from loyalty import services
from loyalty.models import EntryKind, LedgerEntry, LoyaltyAccount, Referral, ReferralStatus
from orders.models import Customer, Order
from returns import selectors as returns_selectors


class ReferralRefused(services.LoyaltyError):
    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _same_address(a: Order, b: Order) -> bool:
    def key(order: Order) -> tuple[str, str, str]:
        return (
            "".join(order.shipping_line1.lower().split()),
            "".join(order.shipping_postal_code.upper().split()),
            order.shipping_country.upper(),
        )

    return bool(a.shipping_line1 and a.shipping_postal_code) and key(a) == key(b)


def referral_join(*, brand_id: int, code: str, email: str) -> Referral:
    """Record a friend who followed a referral link; refuses the referrer's own email, existing
    customers and a friend who referred the referrer (a loop)."""
    email = email.strip().lower()
    account = (
        LoyaltyAccount.objects.select_related("customer")
        .filter(brand_id=brand_id, referral_code=code.strip().upper()[:16])
        .first()
    )
    if account is None:
        raise ReferralRefused("This invitation link is not valid.", reason="unknown_code")
    referrer = account.customer
    if referrer.email.lower() == email:
        raise ReferralRefused("You cannot invite yourself.", reason="self")
    if Referral.objects.filter(brand_id=brand_id, referrer__email__iexact=email, friend=referrer).exists():
        raise ReferralRefused("You cannot invite the friend who invited you.", reason="loop")
    if Order.objects.filter(brand_id=brand_id, customer__email__iexact=email).exists():
        raise ReferralRefused("Invitations are for new customers.", reason="existing_customer")
    existing = Referral.objects.filter(brand_id=brand_id, friend_email=email).first()
    if existing is not None:
        if existing.referrer_id != referrer.id:
            raise ReferralRefused("Someone else invited this friend first.", reason="taken")
        return existing
    return Referral.objects.create(brand_id=brand_id, referrer=referrer, friend_email=email)


def _refuse(referral: Referral, reason: str) -> None:
    referral.status = ReferralStatus.REFUSED
    referral.refusal = reason
    referral.save(update_fields=["status", "refusal", "friend", "first_order"])


def on_order_created(order: Order) -> None:
    """Link a referred friend's first order; refuse when it is the referrer in disguise."""
    customer: Customer = order.customer
    if not customer.email:
        return
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("referrer")
        .filter(brand_id=order.brand_id, friend_email=customer.email.lower(), status=ReferralStatus.INVITED)
        .first()
    )
    if referral is None:
        return
    referral.friend = customer
    referral.first_order = order
    referrer = referral.referrer
    if Order.objects.filter(customer=customer).exclude(id=order.id).exists():
        return _refuse(referral, "not_first_order")
    if customer.id == referrer.id or (customer.phone and customer.phone == referrer.phone):
        return _refuse(referral, "same_phone")
    for earlier in Order.objects.filter(customer=referrer).only(
        "shipping_line1", "shipping_postal_code", "shipping_country"
    )[:50]:
        if _same_address(earlier, order):
            return _refuse(referral, "same_address")
    referral.status = ReferralStatus.ORDERED
    referral.save(update_fields=["status", "friend", "first_order"])
    return None


def referral_settle_for_order(*, order_id: int) -> Referral | None:
    """The first order was delivered: reward both sides unless something of it is coming back."""
    referral = (
        Referral.objects.select_for_update()
        .filter(first_order_id=order_id, status=ReferralStatus.ORDERED)
        .first()
    )
    if referral is None or referral.friend_id is None:
        return None
    if returns_selectors.order_return_state(order_id=order_id):
        return None  # settled when the return is resolved
    programme = services.programme_for(brand_id=referral.brand_id)
    if programme is None:
        return None
    with transaction.atomic():
        for customer_id, points, side in (
            (referral.referrer_id, programme.referrer_reward_points, "referrer"),
            (referral.friend_id, programme.friend_reward_points, "friend"),
        ):
            services.ledger_record(
                customer_id=customer_id,
                movement=services.Movement(
                    kind=EntryKind.EARN,
                    points=points,
                    reason=f"Referral of {referral.friend_email}",
                    source_key=f"referral:{referral.id}:{side}",
                ),
            )
        referral.status = ReferralStatus.REWARDED
        referral.rewarded_at = timezone.now()
        referral.save(update_fields=["status", "rewarded_at"])
    return referral


def on_first_order_returned(*, order_id: int, refunded: bool) -> None:
    """A return of a referred first order was resolved: refunded → no reward (taken back if given)."""
    referral = Referral.objects.select_for_update().filter(first_order_id=order_id).first()
    if referral is None:
        return
    if not refunded:
        if referral.status == ReferralStatus.ORDERED:
            referral_settle_for_order(order_id=order_id)
        return
    if referral.status == ReferralStatus.ORDERED:
        return _refuse(referral, "first_order_returned")
    if referral.status != ReferralStatus.REWARDED:
        return None
    for entry in LedgerEntry.objects.filter(
        brand_id=referral.brand_id, source_key__startswith=f"referral:{referral.id}:"
    ).exclude(source_key__endswith=":reversed"):
        account = LoyaltyAccount.objects.select_for_update().get(id=entry.account_id)
        points = min(entry.points, account.balance)
        if points > 0:
            services.ledger_record(
                customer_id=account.customer_id,
                movement=services.Movement(
                    kind=EntryKind.ADJUST,
                    points=-points,
                    reason="Referral reversed: the first order was returned",
                    source_key=f"{entry.source_key}:reversed",
                ),
            )
    referral.status = ReferralStatus.REVERSED
    referral.save(update_fields=["status"])
    return None
