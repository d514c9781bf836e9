"""What other apps hear from tracking, as plain frozen values.

Apps that react to a shipment (notifications, feedback, loyalty, referrals, returns) register a
callable here from their AppConfig.ready. Hooks run inside the transaction that changed the
status: a hook writes its own rows (an outbox) and defers side effects with transaction.on_commit.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
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
    # The parcel's message facts as they are after the change (tracking.selectors.shipment_message_facts),
    # so a reaction that writes a message does not read the shipment again; empty when not given.
    facts: Mapping[str, str] = field(default_factory=dict)


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


@dataclass(frozen=True)
class Interest:
    """Which changes a hook acts on; the others are not handed to it (no savepoint, no call)."""

    direction: str | None = None
    new_statuses: frozenset[str] | None = None

    def covers(self, change: ShipmentStatusChanged) -> bool:
        return (self.direction is None or change.direction == self.direction) and (
            self.new_statuses is None or change.new_status in self.new_statuses
        )


STATUS_CHANGED_INTEREST: dict[StatusHook, Interest] = {}


def on_status_changed(
    hook: StatusHook, *, direction: str | None = None, new_statuses: Iterable[str] | None = None
) -> StatusHook:
    """Register a hook (usable as a decorator); registering twice is a no-op.

    `direction` and `new_statuses` narrow the changes it is given to those it acts on.
    """
    if hook not in STATUS_CHANGED_HOOKS:
        STATUS_CHANGED_HOOKS.append(hook)
    STATUS_CHANGED_INTEREST[hook] = Interest(
        direction=direction, new_statuses=frozenset(new_statuses) if new_statuses is not None else None
    )
    return hook


def interested(hook: StatusHook, change: ShipmentStatusChanged) -> bool:
    interest = STATUS_CHANGED_INTEREST.get(hook)
    return interest is None or interest.covers(change)


def on_flagged(hook: FlagHook) -> FlagHook:
    if hook not in FLAGGED_HOOKS:
        FLAGGED_HOOKS.append(hook)
    return hook
