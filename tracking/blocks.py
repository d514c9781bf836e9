"""Blocks that other apps drop into the tracking page.

The page is a frame with named slots. An app registers a block for a slot from its
AppConfig.ready; the page calls every block with the same context and renders what each returns.
A block must stay within a constant number of queries whatever the order holds (the page's query
count is asserted), and returns None when it has nothing to show.

Slots, top to bottom: "status" (under the headline: SMS opt-in, feedback, problem report),
"shipments" (after the shipments), "actions" (start a return, ask a question), "offers"
(loyalty, recommendations, offers), "help" (FAQ answers that fit the status).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.safestring import SafeString

from brands.models import Brand
from orders.models import Order
from tracking.models import Shipment

SLOTS = ("status", "shipments", "actions", "offers", "help")


@dataclass(frozen=True)
class TrackingPageContext:
    request: HttpRequest
    brand: Brand
    order: Order
    shipments: Sequence[Shipment]  # with lines and events loaded
    focus: Shipment | None  # the shipment the shopper's link was for, if any
    locale: str
    overall_status: str
    # What this page counts on every view (page_counters kind, id), e.g. the content blocks shown:
    # a block adds to it rather than counting itself, so a cached page still counts.
    counted: list[tuple[str, int]] = field(default_factory=list)
    # What else than the order, the language and the brand the blocks' output depends on; "proof"
    # when a block showed what only a shopper who proved to be the customer may see.
    varies_on: set[str] = field(default_factory=set)


Block = Callable[[TrackingPageContext], SafeString | None]


@dataclass(frozen=True)
class RegisteredBlock:
    slot: str
    order: int
    name: str
    render: Block


BLOCKS: list[RegisteredBlock] = []


def register_block(*, slot: str, name: str, render: Block, order: int = 100) -> None:
    """Add a block to a slot; the same name registered again replaces the earlier one."""
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}; expected one of {SLOTS}")
    BLOCKS[:] = [block for block in BLOCKS if block.name != name]
    BLOCKS.append(RegisteredBlock(slot=slot, order=order, name=name, render=render))
    BLOCKS.sort(key=lambda block: (SLOTS.index(block.slot), block.order, block.name))


def render_blocks(context: TrackingPageContext) -> dict[str, list[SafeString]]:
    rendered: dict[str, list[SafeString]] = {slot: [] for slot in SLOTS}
    for block in BLOCKS:
        html = block.render(context)
        if html:
            rendered[block.slot].append(html)
    return rendered
