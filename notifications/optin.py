"""The SMS opt-in on the tracking page: a block in the "status" slot and the forms it posts to.

Holding a tracking link is no proof of owning a phone: a number is stored (and SMS consent
recorded) only once the code texted to that number comes back, whether or not one was on file.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.phones import normalize_phone
from common.ratelimits import shopper_ratelimit, url_kwarg
from common.shopper import shopper_locale, shopper_page
from notifications import services, verification
from notifications.models import VerificationPurpose
from tracking.blocks import TrackingPageContext
from tracking.views import tracking_page_limited, tracking_page_or_404


class SmsOptInForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32)


# ?sms=<state> after a post; the block shows the matching message and form.
CODE_STATES = frozenset({"code", "wrong"})


def tracking_block(context: TrackingPageContext) -> SafeString | None:
    """Offer SMS updates while the parcel is on its way; no queries (customer is loaded with the order)."""
    customer = context.order.customer
    if customer.sms_consent and customer.phone:
        return None
    if context.overall_status in ("delivered", "returned_to_sender", "expired"):
        return None
    token = context.focus.token if context.focus else context.order.tracking_token
    html = render_to_string(
        "notifications/_sms_optin.html",
        {
            "brand": context.brand,
            "token": token,
            "form": SmsOptInForm(),
            "request": context.request,
            "state": context.request.GET.get("sms", ""),
            "awaiting_code": context.request.GET.get("sms", "") in CODE_STATES,
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


def _back(page_url: str, state: str) -> HttpResponse:
    return redirect(f"{page_url}?sms={state}#sms-optin")


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def sms_opt_in(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """Text a code to the number given; nothing about the customer changes yet."""
    brand, data, page_url = tracking_page_or_404(brand_slug=brand_slug, token=token)
    if getattr(request, "limited", False):
        return tracking_page_limited(request, brand=brand, data=data, page_url=page_url)
    form = SmsOptInForm(request.POST)
    if not form.is_valid():
        return _back(page_url, "invalid")
    try:
        phone = normalize_phone(form.cleaned_data["phone"], region=data.order.shipping_country or None)
    except ValidationError:
        return _back(page_url, "invalid")
    try:
        verification.verification_start(
            customer_id=data.order.customer_id,
            purpose=VerificationPurpose.PHONE,
            phone=phone,
            locale=shopper_locale(
                request=request, brand=brand, preferred=(data.order.customer.locale, data.order.locale)
            ),
        )
    except verification.VerificationRefused as refused:
        return _back(page_url, "limited" if refused.reason == "rate_limited" else "unsent")
    return _back(page_url, "code")


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def sms_opt_in_confirm(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """The code texted to the new number came back: store the number and the shopper's consent."""
    brand, data, page_url = tracking_page_or_404(brand_slug=brand_slug, token=token)
    if getattr(request, "limited", False):
        return tracking_page_limited(request, brand=brand, data=data, page_url=page_url)
    form = verification.CodeForm(request.POST)
    if not form.is_valid():
        return _back(page_url, "wrong")
    try:
        verified = verification.verification_confirm(
            customer_id=data.order.customer_id,
            purpose=VerificationPurpose.PHONE,
            code=form.cleaned_data["code"],
        )
    except verification.CodeRejected as rejected:
        return _back(page_url, rejected.reason)
    services.sms_opt_in(customer_id=verified.customer_id, phone=verified.target)
    return _back(page_url, "on")
