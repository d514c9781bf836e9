"""The SMS opt-in on the tracking page: a block in the "status" slot and the forms it posts to.

Holding a tracking link is no proof of owning a phone: a number is stored (and SMS consent
recorded) only once the code texted to that number comes back, whether or not one was on file.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from brands import selectors as brand_selectors
from brands.models import Brand
from common.phones import normalize_phone
from common.ratelimits import rate_limited_page, shopper_ratelimit, url_kwarg
from common.shopper import shopper_locale, shopper_page
from notifications import services, verification
from notifications.models import VerificationPurpose
from tracking import selectors as tracking_selectors
from tracking.blocks import TrackingPageContext
from tracking.selectors import TrackingPageData
from tracking.views import TOKEN


class SmsOptInForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=12)


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


def _page_data(brand_slug: str, token: str) -> tuple[Brand, TrackingPageData]:
    if not TOKEN.match(token):
        raise Http404  # never ours (a NUL byte, say): no query
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    data = tracking_selectors.tracking_page_data(brand=brand, token=token) if brand else None
    if brand is None or data is None:
        raise Http404
    return brand, data


def _limited(request: HttpRequest, brand: Brand, data: TrackingPageData, suffix: str) -> HttpResponse:
    order = data.order
    return rate_limited_page(
        request,
        brand=brand,
        preferred=(order.customer.locale, order.locale),
        back_url=request.path.rsplit(suffix, 1)[0],
    )


def _back(request: HttpRequest, state: str, suffix: str) -> HttpResponse:
    return redirect(f"{request.path.rsplit(suffix, 1)[0]}?sms={state}#sms-optin")


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def sms_opt_in(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """Text a code to the number given; nothing about the customer changes yet."""
    brand, data = _page_data(brand_slug, token)
    if getattr(request, "limited", False):
        return _limited(request, brand, data, "sms/")
    form = SmsOptInForm(request.POST)
    if not form.is_valid():
        return _back(request, "invalid", "sms/")
    try:
        phone = normalize_phone(form.cleaned_data["phone"], region=data.order.shipping_country or None)
    except ValidationError:
        return _back(request, "invalid", "sms/")
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
        return _back(request, "limited" if refused.reason == "rate_limited" else "unsent", "sms/")
    return _back(request, "code", "sms/")


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def sms_opt_in_confirm(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """The code texted to the new number came back: store the number and the shopper's consent."""
    brand, data = _page_data(brand_slug, token)
    if getattr(request, "limited", False):
        return _limited(request, brand, data, "sms/confirm/")
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _back(request, "wrong", "sms/confirm/")
    try:
        verified = verification.verification_confirm(
            customer_id=data.order.customer_id,
            purpose=VerificationPurpose.PHONE,
            code=form.cleaned_data["code"],
        )
    except verification.CodeRejected as rejected:
        return _back(request, rejected.reason, "sms/confirm/")
    services.sms_opt_in(customer_id=verified.customer_id, phone=verified.target)
    return _back(request, "on", "sms/confirm/")
