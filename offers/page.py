"""Recommendations and offer blocks on the tracking page, and the counted redirect behind their links."""

from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from brands import selectors as brand_selectors
from offers import content, recommendations
from offers.models import OffersSettings
from orders.models import Product
from tracking.blocks import TrackingPageContext


def _tier_name(context: TrackingPageContext) -> str:
    """The tier the loyalty block already computed for this view (no extra query)."""
    standing = getattr(context.request, "_loyalty_standing", None)
    return standing.tier.key if standing is not None and standing.tier is not None else ""


def recommendations_block(context: TrackingPageContext) -> SafeString | None:
    products = recommendations.recommendations_for_page(customer_id=context.order.customer_id)
    if not products:
        return None
    html = render_to_string(
        "offers/_recommendations.html",
        {"brand": context.brand, "products": products},
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


def offers_block(context: TrackingPageContext) -> SafeString | None:
    facts = content.PageFacts(
        brand_id=context.brand.id,
        locale=context.locale,
        status=context.overall_status,
        categories=frozenset(line.product.category for line in context.order.lines.all()),
        tier=_tier_name(context),
        today=timezone.now().astimezone(ZoneInfo(context.brand.timezone)).date(),
    )
    blocks = content.blocks_for_page(facts=facts)
    if not blocks:
        return None
    # Counted by the page on each counted view, cached or not (tracking/page_counters.py).
    context.counted.extend((content.IMPRESSIONS, block.id) for block in blocks)
    html = render_to_string(
        "offers/_blocks.html",
        {
            "brand": context.brand,
            "blocks": [(block, mark_safe(content.sanitize(block.body))) for block in blocks],  # noqa: S308 -- nh3
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


@require_GET
def block_redirect(request: HttpRequest, brand_slug: str, block_id: int) -> HttpResponse:
    """Count the click and go to the block's link, only if it is on the brand's own hosts."""
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    target = content.block_click(brand=brand, block_id=block_id) if brand else None
    if target is None:
        raise Http404
    return HttpResponseRedirect(target)


@require_GET
def product_redirect(request: HttpRequest, brand_slug: str, product_id: int) -> HttpResponse:
    """A recommended product's page at the store, only on the brand's own hosts."""
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    product = Product.objects.filter(brand=brand, id=product_id).first() if brand else None
    settings_row = OffersSettings.objects.filter(brand=brand).first() if brand else None
    if brand is None or product is None or settings_row is None or not settings_row.product_url_template:
        raise Http404
    target = settings_row.product_url_template.replace("{sku}", product.sku)
    if not content.link_is_allowed(
        url=target, hosts=content.allowed_hosts(brand=brand, settings_row=settings_row)
    ):
        raise Http404
    return HttpResponseRedirect(target)


def product_link(*, brand_slug: str, product_id: int) -> str:
    return reverse("offers-product", kwargs={"brand_slug": brand_slug, "product_id": product_id})
