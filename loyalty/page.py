"""Loyalty on the tracking page: the points this order earns, the balance, the tier, the referral link,
and a no-JS form that turns points into a discount code.

A tracking link is forwarded, screenshotted and left in shared inboxes: its holder may see the
balance, but spending points (and seeing the codes they became) needs the shopper's proof, either
the order number + email lookup in this session or a code sent to the email on file.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from common.identity import shopper_is_proved, shopper_proved
from common.ratelimits import shopper_ratelimit, url_kwarg
from common.shopper import shopper_locale, shopper_page
from common.urls import absolute_url
from loyalty import selectors, services
from notifications import verification
from notifications.models import VerificationPurpose
from tracking.blocks import TrackingPageContext
from tracking.views import tracking_page_limited, tracking_page_or_404


class RedeemForm(forms.Form):
    points = forms.IntegerField(min_value=1, max_value=10_000_000)


def masked_email(email: str) -> str:
    """i•••@example.com: enough for the shopper to recognise, too little to harvest."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else ""


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
    context.varies_on.add("proof")  # spending forms only for a shopper who proved to be the customer
    html = render_to_string(
        "loyalty/_tracking_block.html",
        {
            "brand": context.brand,
            "s": standing,
            "token": token,
            "delivered": context.overall_status == "delivered",
            "referral_url": referral_url,
            "state": context.request.GET.get("points", ""),
            "proved": shopper_is_proved(request=context.request, customer_id=context.order.customer_id),
            "masked_email": masked_email(context.order.customer.email),
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def redeem(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    brand, data, page_url = tracking_page_or_404(brand_slug=brand_slug, token=token)
    if getattr(request, "limited", False):
        return tracking_page_limited(request, brand=brand, data=data, page_url=page_url)
    if not shopper_is_proved(request=request, customer_id=data.order.customer_id):
        return redirect(f"{page_url}?points=prove#loyalty")
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


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def identity_code_send(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """Email a code to the address on file (never to one the link holder types)."""
    brand, data, page_url = tracking_page_or_404(brand_slug=brand_slug, token=token)
    if getattr(request, "limited", False):
        return tracking_page_limited(request, brand=brand, data=data, page_url=page_url)
    try:
        verification.verification_start(
            customer_id=data.order.customer_id,
            purpose=VerificationPurpose.IDENTITY,
            locale=shopper_locale(
                request=request, brand=brand, preferred=(data.order.customer.locale, data.order.locale)
            ),
        )
    except verification.VerificationRefused as refused:
        state = {"rate_limited": "limited", "no_email": "no_email"}.get(refused.reason, "unsent")
        return redirect(f"{page_url}?points={state}#loyalty")
    return redirect(f"{page_url}?points=code#loyalty")


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def identity_code_confirm(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """The emailed code came back: this session may spend the customer's points for a while."""
    brand, data, page_url = tracking_page_or_404(brand_slug=brand_slug, token=token)
    if getattr(request, "limited", False):
        return tracking_page_limited(request, brand=brand, data=data, page_url=page_url)
    form = verification.CodeForm(request.POST)
    if not form.is_valid():
        return redirect(f"{page_url}?points=wrong#loyalty")
    try:
        verified = verification.verification_confirm(
            customer_id=data.order.customer_id,
            purpose=VerificationPurpose.IDENTITY,
            code=form.cleaned_data["code"],
        )
    except verification.CodeRejected as rejected:
        return redirect(f"{page_url}?points={rejected.reason}#loyalty")
    shopper_proved(request=request, customer_id=verified.customer_id)
    return redirect(f"{page_url}?points=proved#loyalty")
