"""Reads for offers: block figures for the admin."""

from dataclasses import dataclass
from decimal import Decimal

from offers.models import ContentBlock


@dataclass(frozen=True)
class BlockRow:
    title: str
    impressions: int
    clicks: int
    ctr: Decimal


def block_figures(*, brand_ids: set[int] | None) -> list[BlockRow]:
    blocks = (
        ContentBlock.objects.all()
        if brand_ids is None
        else ContentBlock.objects.filter(brand_id__in=brand_ids)
    )
    return [
        BlockRow(
            title=f"{block.title} ({block.locale})",
            impressions=block.impressions,
            clicks=block.clicks,
            ctr=(Decimal(100 * block.clicks) / block.impressions).quantize(Decimal("0.1"))
            if block.impressions
            else Decimal(0),
        )
        for block in blocks.order_by("-impressions")[:100]
    ]
