"""The referral landing page: a friend follows a customer's link, leaves an email, and is sent to shop."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from brands import selectors as brand_selectors
from common.ratelimits import shopper_ratelimit, url_kwarg
from common.shopper import render_shopper, shopper_locale, shopper_page
from loyalty import codes, referrals
from loyalty.models import LoyaltyAccount, LoyaltyProgramme

REFUSALS = {
    "self": _("This is your own invitation link: share it with a friend instead."),
    "loop": _("You cannot invite the friend who invited you."),
    "existing_customer": _("Invitations are for new customers, and you have shopped with us before."),
    "taken": _("Another customer invited you first."),
    "unknown_code": _("This invitation link is not valid."),
}


class JoinForm(forms.Form):
    email = forms.EmailField(label=_("Your email"), max_length=254)


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate="10/m", target=url_kwarg("code"))
def referral_landing(request: HttpRequest, brand_slug: str, code: str) -> HttpResponse:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    locale = shopper_locale(request=request, brand=brand)
    account = (
        LoyaltyAccount.objects.select_related("customer").filter(brand=brand, referral_code=code[:16]).first()
        if brand and codes.well_formed(code)
        else None
    )
    programme = LoyaltyProgramme.objects.filter(brand=brand, active=True).first() if brand else None
    status = 200
    context: dict[str, object] = {"brand": brand, "programme": programme, "account": account}
    if account is None or programme is None:
        status = 404
    elif getattr(request, "limited", False):
        status = 429
        context["error"] = _("Too many tries. Wait a minute and try again.")
    else:
        form = JoinForm(request.POST if request.method == "POST" else None)
        context["form"] = form
        if form.is_bound:
            if form.is_valid():
                try:
                    referrals.referral_join(brand_id=brand.id, code=code, email=form.cleaned_data["email"])  # type: ignore[union-attr]
                    context["joined"] = True
                except referrals.ReferralRefused as refused:
                    context["error"] = REFUSALS.get(refused.reason, REFUSALS["unknown_code"])
                    status = 400
            else:
                status = 400
    return render_shopper(
        request, "loyalty/referral.html", brand=brand, locale=locale, context=context, status=status
    )
