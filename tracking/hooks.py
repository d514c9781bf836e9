"""What other apps hear from tracking, as plain frozen values.

Apps that react to a shipment (notifications, feedback, loyalty, referrals, returns) register a
callable here from their AppConfig.ready. Hooks run inside the transaction that changed the
status: a hook writes its own rows (an outbox) and defers side effects with transaction.on_commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ShipmentStatusChanged:
    shipment_id: int
    order_id: int
    brand_id: int
    customer_id: int
    direction: str
    old_status: str
    new_status: str
    detail: str
    occurred_at: datetime


@dataclass(frozen=True)
class ShipmentFlagged:
    """A shipment became late (its EDD passed) or stuck (no scan for too long)."""

    shipment_id: int
    order_id: int
    brand_id: int
    customer_id: int
    reason: str  # "late" or "stuck"
    flagged_at: datetime


StatusHook = Callable[[ShipmentStatusChanged], None]
FlagHook = Callable[[ShipmentFlagged], None]

STATUS_CHANGED_HOOKS: list[StatusHook] = []
FLAGGED_HOOKS: list[FlagHook] = []


def on_status_changed(hook: StatusHook) -> StatusHook:
    """Register a hook (usable as a decorator); registering twice is a no-op."""
    if hook not in STATUS_CHANGED_HOOKS:
        STATUS_CHANGED_HOOKS.append(hook)
    return hook


def on_flagged(hook: FlagHook) -> FlagHook:
    if hook not in FLAGGED_HOOKS:
        FLAGGED_HOOKS.append(hook)
    return hook
