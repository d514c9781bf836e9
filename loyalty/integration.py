"""How loyalty plugs into the rest: points when an order is delivered, taken back when it is refunded,
referrals linked on order creation, the block on the tracking page, admin roles and demo data.

An order counts as delivered when every one of its outbound parcels is delivered; the points are
credited on the status change that completes it, inside tracking's transaction, once (ledger source key).
"""

from loyalty import referrals, selectors, services
from returns.hooks import ReturnResolved
from tracking.hooks import ShipmentStatusChanged

CLAW_BACK_STATUSES = frozenset({"refunded", "credited"})


def on_shipment_status_changed(change: ShipmentStatusChanged) -> None:
    if change.direction != "outbound" or change.new_status != "delivered":
        return
    if not selectors.order_delivered(order_id=change.order_id):
        return
    services.points_credit_for_order(order_id=change.order_id)
    referrals.referral_settle_for_order(order_id=change.order_id)


def on_return_resolved(resolved: ReturnResolved) -> None:
    """Refunded or credited items take their points back; an exchange keeps them."""
    refunded = resolved.status in CLAW_BACK_STATUSES
    if refunded:
        # Points follow the goods: the returned items' value, not the amount after fees.
        services.points_claw_back_for_refund(
            order_id=resolved.order_id,
            refunded_amount=resolved.items_value,
            currency=resolved.currency,
            source_key=f"return:{resolved.return_id}",
        )
    referrals.on_first_order_returned(order_id=resolved.order_id, refunded=refunded)


def connect() -> None:
    from brands.models import Role
    from brands.services import role_permissions_register
    from demo.seed import DEMO_STEPS
    from loyalty.page import tracking_block
    from loyalty.seed import seed_loyalty
    from orders.services import ORDER_CREATED_HOOKS
    from returns.hooks import on_return_resolved as returns_hook
    from tracking.blocks import register_block
    from tracking.hooks import on_status_changed

    on_status_changed(on_shipment_status_changed, direction="outbound", new_statuses={"delivered"})
    returns_hook(on_return_resolved)
    if referrals.on_order_created not in ORDER_CREATED_HOOKS:
        ORDER_CREATED_HOOKS.append(referrals.on_order_created)
    register_block(slot="offers", name="loyalty", render=tracking_block, order=10)
    if seed_loyalty not in DEMO_STEPS:
        DEMO_STEPS.append(seed_loyalty)
    viewing = (
        "view_loyaltyaccount",
        "view_ledgerentry",
        "view_discountcode",
        "view_referral",
        "view_loyaltyprogramme",
        "view_loyaltytier",
    )
    role_permissions_register(
        role=Role.OWNER,
        app_label="loyalty",
        codenames=(
            *viewing,
            "add_ledgerentry",
            "change_loyaltyprogramme",
            "add_loyaltyprogramme",
            "add_loyaltytier",
            "change_loyaltytier",
            "delete_loyaltytier",
        ),
    )
    role_permissions_register(
        role=Role.SUPPORT_AGENT, app_label="loyalty", codenames=(*viewing, "add_ledgerentry")
    )
    role_permissions_register(role=Role.RETURNS_MANAGER, app_label="loyalty", codenames=viewing)
