"""Loyalty on the tracking page: the points this order earns, the balance, the tier, the referral link,
and a no-JS form that turns points into a discount code."""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from brands import selectors as brand_selectors
from common.ratelimits import rate_limited_page, shopper_ratelimit, url_kwarg
from common.shopper import shopper_page
from common.urls import absolute_url
from loyalty import selectors, services
from tracking import selectors as tracking_selectors
from tracking.blocks import TrackingPageContext
from tracking.views import TOKEN


class RedeemForm(forms.Form):
    points = forms.IntegerField(min_value=1, max_value=10_000_000)


def standing_for_page(context: TrackingPageContext) -> selectors.MemberStanding | None:
    """Computed once per page view and shared with the offers blocks (tier targeting)."""
    if hasattr(context.request, "_loyalty_standing"):
        cached: selectors.MemberStanding | None = context.request._loyalty_standing
        return cached
    standing = selectors.member_standing(
        brand_id=context.brand.id,
        customer_id=context.order.customer_id,
        order=context.order,
        locale=context.locale,
    )
    context.request._loyalty_standing = standing  # type: ignore[attr-defined]
    return standing


def tracking_block(context: TrackingPageContext) -> SafeString | None:
    standing = standing_for_page(context)
    if standing is None:
        return None
    token = context.focus.token if context.focus else context.order.tracking_token
    referral_url = (
        absolute_url(
            reverse(
                "referral-landing", kwargs={"brand_slug": context.brand.slug, "code": standing.referral_code}
            )
        )
        if standing.referral_code
        else ""
    )
    html = render_to_string(
        "loyalty/_tracking_block.html",
        {
            "brand": context.brand,
            "s": standing,
            "token": token,
            "delivered": context.overall_status == "delivered",
            "referral_url": referral_url,
            "state": context.request.GET.get("points", ""),
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def redeem(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    well_formed = TOKEN.match(token) is not None
    data = tracking_selectors.tracking_page_data(brand=brand, token=token) if brand and well_formed else None
    if brand is None or data is None:
        raise Http404
    page_url = reverse("tracking-page", kwargs={"brand_slug": brand.slug, "token": token})
    if getattr(request, "limited", False):
        order = data.order
        return rate_limited_page(
            request, brand=brand, preferred=(order.customer.locale, order.locale), back_url=page_url
        )
    form = RedeemForm(request.POST)
    if not form.is_valid():
        return redirect(f"{page_url}?points=invalid#loyalty")
    try:
        services.points_redeem(customer_id=data.order.customer_id, points=form.cleaned_data["points"])
    except services.InsufficientPoints:
        return redirect(f"{page_url}?points=short#loyalty")
    except services.LoyaltyError:
        return redirect(f"{page_url}?points=invalid#loyalty")
    return redirect(f"{page_url}?points=done#loyalty")
