"""The shopper's tracking pages: the order lookup form and the branded tracking page."""

import re
from typing import Final

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from brands import selectors as brand_selectors
from brands.models import Brand
from common.identity import shopper_proved
from common.ratelimits import post_field, rate_limited_page, shopper_ratelimit
from common.shopper import (
    is_counted_view,
    is_staff_view,
    render_shopper,
    shopper_locale,
    shopper_page,
)
from tracking import presentation, selectors, services
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
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return _not_found(request, None)
    data = selectors.tracking_page_data(brand=brand, token=token) if TOKEN.match(token) else None
    if data is None:
        return _not_found(request, brand)
    order = data.order
    locale = shopper_locale(request=request, brand=brand, preferred=(order.customer.locale, order.locale))
    # Staff opening the page from the console are not shoppers asking where their order is.
    if is_counted_view(request) and not is_staff_view(request, token=token):
        services.page_view_record(order_id=order.id, day=timezone.now().date())
    with translation.override(locale):
        tracking = presentation.tracking_page(data=data, time_zone=brand.timezone, now=timezone.now())
        blocks = render_blocks(
            TrackingPageContext(
                request=request,
                brand=brand,
                order=order,
                shipments=data.shipments,
                focus=data.focus,
                locale=locale,
                overall_status=data.overall_status,
            )
        )
    return render_shopper(
        request,
        "tracking/page.html",
        brand=brand,
        locale=locale,
        context={"page": tracking, "blocks": blocks},
    )


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
