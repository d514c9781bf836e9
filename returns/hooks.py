"""What other apps hear from returns, as plain frozen values.

Apps register a callable from their AppConfig.ready (loyalty takes back the points of refunded items).
Hooks run inside the transaction that resolved the return.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ReturnResolved:
    return_id: int
    order_id: int
    brand_id: int
    status: str  # refunded, credited or exchanged
    amount: Decimal  # what the shopper got back
    items_value: Decimal  # what the returned items were bought for
    currency: str


ResolvedHook = Callable[[ReturnResolved], None]
RESOLVED_HOOKS: list[ResolvedHook] = []


def on_return_resolved(hook: ResolvedHook) -> ResolvedHook:
    """Register a hook (usable as a decorator); registering twice is a no-op."""
    if hook not in RESOLVED_HOOKS:
        RESOLVED_HOOKS.append(hook)
    return hook
