"""The SMS opt-in on the tracking page: a block in the "status" slot and the form it posts to."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from brands import selectors as brand_selectors
from common.phones import normalize_phone
from common.ratelimits import rate_limited_page, shopper_ratelimit, url_kwarg
from common.shopper import shopper_page
from notifications import services
from tracking import selectors as tracking_selectors
from tracking.blocks import TrackingPageContext
from tracking.views import TOKEN


class SmsOptInForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=32)


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
            "done": context.request.GET.get("sms") == "on",
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


@shopper_page
@require_POST
@shopper_ratelimit(rate="10/m", target=url_kwarg("token"))
def sms_opt_in(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    if not TOKEN.match(token):
        raise Http404  # never ours (a NUL byte, say): no query
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    data = tracking_selectors.tracking_page_data(brand=brand, token=token) if brand else None
    if brand is None or data is None:
        raise Http404
    if getattr(request, "limited", False):
        order = data.order
        return rate_limited_page(
            request,
            brand=brand,
            preferred=(order.customer.locale, order.locale),
            back_url=request.path.rsplit("sms/", 1)[0],
        )
    form = SmsOptInForm(request.POST)
    if form.is_valid():
        try:
            phone = normalize_phone(form.cleaned_data["phone"], region=data.order.shipping_country or None)
        except ValidationError:
            return redirect(f"{request.path.rsplit('sms/', 1)[0]}?sms=invalid#sms-optin")
        services.sms_opt_in(customer_id=data.order.customer_id, phone=phone)
        return redirect(f"{request.path.rsplit('sms/', 1)[0]}?sms=on#sms-optin")
    return redirect(f"{request.path.rsplit('sms/', 1)[0]}?sms=invalid#sms-optin")
