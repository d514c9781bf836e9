"""Content blocks: sanitized text, links only to the brand's own hosts, matching a shopper's order."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import nh3
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from loyalty.selectors import tier_names
from offers.models import ContentBlock, OffersSettings
from orders.selectors import categories_without_products
from tracking.statuses import ShipmentStatus

ALLOWED_TAGS: Final = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES: Final = {"a": {"href", "title"}}
MAX_SHOWN: Final = 3


def sanitize(html: str) -> str:
    """Keep simple formatting only: no script, style, event handlers or javascript: links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "mailto"},
        link_rel="noopener noreferrer",
    )


def allowed_hosts(*, brand: Brand, settings_row: OffersSettings | None) -> set[str]:
    hosts = {brand.custom_domain} if brand.custom_domain else set()
    if settings_row is not None and isinstance(settings_row.store_hosts, list):
        hosts |= {str(host).strip().lower() for host in settings_row.store_hosts if str(host).strip()}
    return hosts


def link_is_allowed(*, url: str, hosts: set[str]) -> bool:
    """https, and on one of the brand's own hosts: never an open redirect."""
    if not url or not hosts:
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=True) and url.startswith(
        "https://"
    )


def content_block_clean(*, block: ContentBlock) -> None:
    """Sanitize the text and refuse a link or image off the brand's hosts; raises ValidationError."""
    block.body = sanitize(block.body)
    hosts = allowed_hosts(
        brand=block.brand, settings_row=OffersSettings.objects.filter(brand=block.brand).first()
    )
    if block.link_url and not link_is_allowed(url=block.link_url, hosts=hosts):
        raise ValidationError({"link_url": "Links must be https on one of the brand's store hosts."})
    for name in ("categories", "statuses", "tiers"):
        value = getattr(block, name)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError({name: 'A list of names, e.g. ["phones"].'})
    targeting_refusals(block=block)


def targeting_refusals(*, block: ContentBlock) -> None:
    """Refuse a status no parcel has, or an end before the start: the block would never be shown."""
    errors: dict[str, Any] = {}
    if unknown := sorted(set(block.statuses) - set(ShipmentStatus.values)):
        errors["statuses"] = _("Unknown parcel status: %(names)s.") % {"names": ", ".join(unknown)}
    if block.starts_on and block.ends_on and block.ends_on < block.starts_on:
        errors["ends_on"] = _("The last day comes before the first.")
    if errors:
        raise ValidationError(errors)


def catalogue_refusals(
    *, brand_id: int, categories: Iterable[str] = (), tiers: Iterable[str] = ()
) -> dict[str, Any]:
    """Targets that match nothing of the brand's own: a category no product is in, a tier it lacks.

    Asked where a person picks targets (the console's forms), for the values they add: data written
    before the catalogue arrived stays as it is.
    """
    errors: dict[str, Any] = {}
    if unmatched := categories_without_products(brand_id=brand_id, categories=categories):
        errors["categories"] = _("No product of this brand is in: %(names)s.") % {
            "names": ", ".join(unmatched)
        }
    if missing := sorted(set(tiers) - set(tier_names(brand_ids=[brand_id]))):
        errors["tiers"] = _("This brand has no loyalty tier named: %(names)s.") % {
            "names": ", ".join(missing)
        }
    return errors


@dataclass(frozen=True)
class PageFacts:
    brand_id: int
    locale: str
    status: str
    categories: frozenset[str]
    tier: str
    today: date


def _matches(block: ContentBlock, facts: PageFacts) -> bool:
    if block.categories and not facts.categories & set(block.categories):
        return False
    if block.statuses and facts.status not in block.statuses:
        return False
    return not (block.tiers and facts.tier not in block.tiers)


def blocks_for_page(*, facts: PageFacts) -> list[ContentBlock]:
    """The best few blocks for this order, in the shopper's language; one query."""
    candidates = (
        ContentBlock.objects.filter(brand_id=facts.brand_id, active=True, locale=facts.locale)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=facts.today))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=facts.today))
        .order_by("priority", "id")[:50]
    )
    return [block for block in candidates if _matches(block, facts)][:MAX_SHOWN]


IMPRESSIONS: Final = "content_impressions"  # the tracking page's counter kind: ids are content block ids


def impressions_record(*, block_ids: Iterable[int]) -> None:
    ids = list(block_ids)
    if ids:
        ContentBlock.objects.filter(id__in=ids).update(impressions=F("impressions") + 1)


def impressions_apply(day: date, counts: dict[int, int]) -> None:
    """Add a batch of impressions counted in Redis; one UPDATE per distinct count (usually one)."""
    by_count: dict[int, list[int]] = {}
    for block_id, count in counts.items():
        by_count.setdefault(count, []).append(block_id)
    for count, ids in by_count.items():
        ContentBlock.objects.filter(id__in=ids).update(impressions=F("impressions") + count)


def block_click(*, brand: Brand, block_id: int) -> str | None:
    """Count a click and return where it leads, or None when the block or its target is not the brand's."""
    block = ContentBlock.objects.filter(brand=brand, id=block_id, active=True).first()
    if block is None or not block.link_url:
        return None
    hosts = allowed_hosts(brand=brand, settings_row=OffersSettings.objects.filter(brand=brand).first())
    if not link_is_allowed(url=block.link_url, hosts=hosts):
        return None
    ContentBlock.objects.filter(id=block.id).update(clicks=F("clicks") + 1)
    return block.link_url
