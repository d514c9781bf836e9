"""The shopper's tracking pages: the order lookup form and the branded tracking page."""

import re
import time
from typing import Final

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.http import require_http_methods

from brands import selectors as brand_selectors
from brands.models import Brand
from common.identity import shopper_is_proved, shopper_proved
from common.ratelimits import post_field, rate_limited_page, shopper_ratelimit
from common.shopper import (
    is_counted_view,
    is_staff_view,
    render_shopper,
    shopper_locale,
    shopper_page,
)
from tracking import page_cache, page_counters, presentation, selectors
from tracking.blocks import TrackingPageContext, render_blocks
from tracking.forms import LookupForm
from tracking.selectors import TrackingPageData

# Tokens are URL-safe base64; anything else is not worth a query.
TOKEN: Final = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
LOOKUP_RATE: Final = "10/m"


def _not_found(request: HttpRequest, brand: Brand | None) -> HttpResponse:
    locale = shopper_locale(request=request, brand=brand)
    return render_shopper(request, "tracking/not_found.html", brand=brand, locale=locale, status=404)


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate=LOOKUP_RATE, target=post_field("number"))
def lookup(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return _not_found(request, None)
    locale = shopper_locale(request=request, brand=brand)
    if getattr(request, "limited", False):
        response = render_shopper(
            request, "tracking/rate_limited.html", brand=brand, locale=locale, status=429
        )
        response.headers["Retry-After"] = "60"
        return response
    form = LookupForm(request.POST if request.method == "POST" else None)
    not_found = False
    if form.is_bound and form.is_valid():
        order = selectors.order_for_lookup(
            brand=brand,
            number=form.cleaned_data["number"],
            email_or_postal_code=form.cleaned_data["contact"],
        )
        if order is not None:
            if "@" in form.cleaned_data["contact"]:
                # Number + email is what we accept as the shopper's word for spending points.
                shopper_proved(request=request, customer_id=order.customer_id)
            return redirect("tracking-page", brand_slug=brand.slug, token=order.tracking_token)
        # The same words and status whether the order is unknown or the email is wrong.
        not_found = True
    status = 400 if form.is_bound else 200
    return render_shopper(
        request,
        "tracking/lookup.html",
        brand=brand,
        locale=locale,
        context={"form": form, "not_found": not_found},
        status=status,
    )


@shopper_page
@require_http_methods(["GET", "HEAD"])
def page(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """The tracking page: served from the page cache when nothing it shows changed (page_cache.py)."""
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return _not_found(request, None)
    if not TOKEN.match(token):
        return _not_found(request, brand)
    # Staff opening the page from the console are not shoppers asking where their order is.
    counted = is_counted_view(request) and not is_staff_view(request, token=token)
    host = request.get_host()
    if page_cache.cacheable(request):
        found = page_cache.page_cached(brand_id=brand.id, token=token, host=host, count_view=counted)
        if found.entry is not None:
            served = _from_cache(
                request, brand=brand, entry=found.entry, counted=counted, view_counted=found.view_counted
            )
            if served is not None:
                return served
        return _render(
            request, brand=brand, token=token, host=host, counted=counted, view_counted=found.view_counted
        )
    return _render(request, brand=brand, token=token, host=host, counted=counted, cacheable=False)


def _from_cache(
    request: HttpRequest, *, brand: Brand, entry: page_cache.Entry, counted: bool, view_counted: bool
) -> HttpResponse | None:
    """The kept page for this shopper's language and proof state."""
    locale = shopper_locale(request=request, brand=brand, preferred=entry.preferred)
    now = time.time()
    variant = entry.variant(locale=locale, proved=False, now=now)
    if variant is None:
        return None
    if variant.proof_sensitive and shopper_is_proved(request=request, customer_id=entry.ids.customer_id):
        variant = entry.variant(locale=locale, proved=True, now=now)
        if variant is None:
            return None
    if counted:
        views = [] if view_counted else [(page_counters.PAGE_VIEWS, entry.ids.order_id)]
        page_counters.counts_add([*views, *variant.counted])
    return _cached_response(request, variant=variant, locale=locale)


def _cached_response(request: HttpRequest, *, variant: page_cache.Variant, locale: str) -> HttpResponse:
    """The kept page with this request's nonce and CSRF token, or 304 when the browser has it."""
    csrf_token = get_token(request)
    tag = page_cache.etag(variant=variant, csrf_secret=str(request.META.get("CSRF_COOKIE", "")))
    response: HttpResponse
    if _weak_match(request, tag):
        response = HttpResponseNotModified()
    else:
        html = page_cache.filled(variant.html, nonce=request.csp_nonce, csrf_token=csrf_token)  # type: ignore[attr-defined]
        response = HttpResponse(html)
        response.headers["Content-Language"] = locale
    response.headers["ETag"] = tag
    # The browser keeps the page and asks again every time (no-cache); no shared cache keeps it.
    response.headers["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Cookie",))
    return response


def _weak_match(request: HttpRequest, tag: str) -> bool:
    """If-None-Match compares weakly: W/"x" matches "x" and W/"x"."""
    given = {value.removeprefix("W/") for value in parse_etags(request.headers.get("If-None-Match", ""))}
    return tag.removeprefix("W/") in given


def _render(
    request: HttpRequest,
    *,
    brand: Brand,
    token: str,
    host: str,
    counted: bool,
    cacheable: bool = True,
    view_counted: bool = False,
) -> HttpResponse:
    ids = page_cache.page_ids(brand_id=brand.id, token=token) if cacheable else None
    # Versions are read before the data: a change committed in between leaves this rendering stale
    # under a version already replaced, so it is never served.
    versions = page_cache.versions_read(ids) if ids is not None else None
    data = selectors.tracking_page_data(brand=brand, token=token)
    if data is None:
        return _not_found(request, brand)
    order = data.order
    preferred = (order.customer.locale, order.locale)
    locale = shopper_locale(request=request, brand=brand, preferred=preferred)
    now = timezone.now()
    keep = (
        versions is not None
        and ids is not None
        and (ids.order_id, ids.customer_id) == (order.id, order.customer_id)
    )
    if ids is not None and (ids.order_id, ids.customer_id) != (order.id, order.customer_id):
        page_cache.ids_replace(
            token=token,
            ids=page_cache.PageIds(order_id=order.id, customer_id=order.customer_id, brand_id=brand.id),
        )
    real_nonce = request.csp_nonce  # type: ignore[attr-defined]
    if keep:
        request.csp_nonce = page_cache.nonce_mark()  # type: ignore[attr-defined]
    with translation.override(locale):
        tracking = presentation.tracking_page(data=data, time_zone=brand.timezone, now=now)
        context = TrackingPageContext(
            request=request,
            brand=brand,
            order=order,
            shipments=data.shipments,
            focus=data.focus,
            locale=locale,
            overall_status=data.overall_status,
        )
        blocks = render_blocks(context)
    response = render_shopper(
        request,
        "tracking/page.html",
        brand=brand,
        locale=locale,
        context={"page": tracking, "blocks": blocks},
    )
    request.csp_nonce = real_nonce  # type: ignore[attr-defined]
    if counted:
        views = [] if view_counted else [(page_counters.PAGE_VIEWS, order.id)]
        page_counters.counts_add([*views, *context.counted])
    if not keep or ids is None or versions is None:
        return response
    proved = "proof" in context.varies_on and shopper_is_proved(
        request=request, customer_id=order.customer_id
    )
    rendered_at = time.time()
    variant = page_cache.Variant(
        html=page_cache.marked(response.content.decode()),
        tag=page_cache.variant_tag(versions=versions, locale=locale, proved=proved, rendered_at=rendered_at),
        counted=tuple(context.counted),
        proof_sensitive="proof" in context.varies_on,
        expires_at=page_cache.expires_at(now=now, time_zone=brand.timezone),
    )
    page_cache.page_store(
        token=token,
        host=host,
        ids=ids,
        versions=versions,
        preferred=preferred,
        locale=locale,
        proved=proved,
        variant=variant,
    )
    return _cached_response(request, variant=variant, locale=locale)


def tracking_page_or_404(*, brand_slug: str, token: str) -> tuple[Brand, TrackingPageData, str]:
    """The page a form on the tracking page posts from: brand, data and URL; 404 when it is not ours."""
    if not TOKEN.match(token):
        raise Http404  # never ours (a NUL byte, say): no query
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    data = selectors.tracking_page_data(brand=brand, token=token) if brand else None
    if brand is None or data is None:
        raise Http404
    return brand, data, reverse("tracking-page", kwargs={"brand_slug": brand.slug, "token": token})


def tracking_page_limited(
    request: HttpRequest, *, brand: Brand, data: TrackingPageData, page_url: str
) -> HttpResponse:
    """The 429 page for a form on the tracking page, in the shopper's language, linking back to it."""
    order = data.order
    return rate_limited_page(
        request, brand=brand, preferred=(order.customer.locale, order.locale), back_url=page_url
    )
