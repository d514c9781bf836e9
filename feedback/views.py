"""The NPS page a message links to: a 0–10 scale and a comment, then a thank-you (and a code)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.views.decorators.http import require_http_methods

from brands import selectors as brand_selectors
from common.ratelimits import rate_limited_page, shopper_ratelimit, url_kwarg
from common.shopper import render_shopper, shopper_locale, shopper_page
from feedback import selectors, services
from feedback.forms import NpsForm
from feedback.page import POST_RATE
from tracking.views import TOKEN

SCALE_ENDS = (0, 10)


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate=POST_RATE, target=url_kwarg("token"))
def nps(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    nps_request = (
        selectors.nps_request_by_token(brand=brand, token=token) if brand and TOKEN.match(token) else None
    )
    if brand is None or nps_request is None:
        locale = shopper_locale(request=request, brand=brand)
        return render_shopper(request, "tracking/not_found.html", brand=brand, locale=locale, status=404)
    locale = shopper_locale(
        request=request,
        brand=brand,
        preferred=(request.POST.get("lang"), nps_request.customer.locale, nps_request.order.locale),
    )
    context: dict[str, object] = {"nps": nps_request, "order": nps_request.order}
    if nps_request.answered_at is not None:
        return render_shopper(
            request, "feedback/nps_thanks.html", brand=brand, locale=locale, context=context
        )
    if request.method == "POST" and getattr(request, "limited", False):
        return rate_limited_page(request, brand=brand, locale=locale, back_url=request.path)
    with translation.override(locale):
        form = NpsForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                services.nps_answer_record(
                    request_id=nps_request.id,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    locale=locale,
                )
            except ValidationError as invalid:
                form.add_error(None, invalid.messages[0])
            else:
                return redirect(f"{request.path}?lang={locale}")
    return render_shopper(
        request,
        "feedback/nps.html",
        brand=brand,
        locale=locale,
        context={**context, "form": form, "scale": [str(n) for n in range(11)]},
        status=400 if form.is_bound else 200,
    )
