"""Feedback on the tracking page: "How was your delivery?" (status slot) and "Something wrong?"
(actions slot), and the plain POST endpoints they submit to."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from brands import selectors as brand_selectors
from common.ratelimits import shopper_ratelimit, url_kwarg
from common.shopper import render_shopper, shopper_locale, shopper_page
from feedback import selectors, services
from feedback.forms import ProblemForm, RatingForm
from feedback.topics import RETURN_REASON_BY_TOPIC, ProblemTopic
from returns.links import start_url
from tracking import selectors as tracking_selectors
from tracking.blocks import TrackingPageContext
from tracking.models import Shipment
from tracking.selectors import TrackingPageData
from tracking.statuses import ShipmentStatus
from tracking.views import TOKEN

POST_RATE: Final = "10/m"


@dataclass(frozen=True)
class Face:
    score: int
    label: str | Promise
    mouth: str  # SVG path of the mouth, from a frown to a wide smile


FACES: Final[tuple[Face, ...]] = (
    Face(1, _("Very bad"), "M12 29 Q20 21 28 29"),
    Face(2, _("Bad"), "M13 28 Q20 24.5 27 28"),
    Face(3, _("Okay"), "M13 26.5 L27 26.5"),
    Face(4, _("Good"), "M13 25 Q20 30 27 25"),
    Face(5, _("Very good"), "M12 24 Q20 33 28 24"),
)


def rated_parcel(
    *, shipments: list[Shipment] | tuple[Shipment, ...], focus: Shipment | None
) -> Shipment | None:
    """The parcel the question is about: the one the link was for if it arrived, else the latest arrival."""
    if focus is not None and focus.status == ShipmentStatus.DELIVERED:
        return focus
    delivered = [s for s in shipments if s.status == ShipmentStatus.DELIVERED]
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return max(delivered, key=lambda s: (s.delivered_at or epoch, s.id)) if delivered else None


def _page_token(context: TrackingPageContext) -> str:
    return context.focus.token if context.focus else context.order.tracking_token


def csat_block(context: TrackingPageContext) -> SafeString | None:
    """Ask how the delivery went once a parcel arrived; one query (two when an answer exists)."""
    shipment = rated_parcel(shipments=list(context.shipments), focus=context.focus)
    if shipment is None:
        return None
    rating = selectors.ratings_by_shipment(order_id=context.order.id).get(shipment.id)
    changeable_until = None
    if rating is not None:
        hours = selectors.feedback_settings(brand_id=context.brand.id).csat_change_hours
        changeable_until = rating.created_at + timedelta(hours=hours)
    closed = changeable_until is not None and timezone.now() >= changeable_until
    html = render_to_string(
        "feedback/_csat.html",
        {
            "brand": context.brand,
            "token": _page_token(context),
            "shipment": shipment,
            "several": len(context.shipments) > 1,
            "rating": rating,
            "closed": closed,
            "changeable_until": changeable_until,
            "faces": FACES,
            "locale": context.locale,
            "just_sent": context.request.GET.get("feedback") == "thanks",
            "request": context.request,
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


def problem_block(context: TrackingPageContext) -> SafeString | None:
    """ "Something wrong?": a report form for any parcel of the order; no queries."""
    if not context.shipments:
        return None
    reported = context.request.GET.get("problem", "")
    reason = RETURN_REASON_BY_TOPIC.get(reported)
    returns_link = ""
    if reason:
        returns_link = (
            start_url(brand_slug=context.brand.slug, brand_id=context.brand.id, order_id=context.order.id)
            + "?"
            + urlencode({"reason": reason})
        )
    default = context.focus or context.shipments[0]
    html = render_to_string(
        "feedback/_problem.html",
        {
            "brand": context.brand,
            "token": _page_token(context),
            "shipments": context.shipments,
            "default_shipment": default,
            "topics": ProblemTopic.choices,
            "reported": reported in ProblemTopic.values,
            "returns_link": returns_link,
            "locale": context.locale,
            "request": context.request,
        },
        request=context.request,
    )
    return mark_safe(html)  # noqa: S308 -- our own template, autoescaped


# ---- the endpoints -----------------------------------------------------------------------------------


def _page_data(brand_slug: str, token: str) -> TrackingPageData:
    if not TOKEN.match(token):
        raise Http404  # never ours (a NUL byte, say): no query
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    data = tracking_selectors.tracking_page_data(brand=brand, token=token) if brand else None
    if data is None:
        raise Http404
    return data


def _back(request: HttpRequest, *, token: str, brand_slug: str, anchor: str, **params: str) -> HttpResponse:
    url = reverse("tracking-page", kwargs={"brand_slug": brand_slug, "token": token})
    lang = request.POST.get("lang", "")
    query = {**params, **({"lang": lang} if lang in ("en", "ro", "pl", "ru") else {})}
    return redirect(f"{url}?{urlencode(query)}#{anchor}")


def _refused(
    request: HttpRequest, *, data: TrackingPageData, token: str, message: str, status: int, anchor: str
) -> HttpResponse:
    brand = data.order.brand
    locale = shopper_locale(
        request=request,
        brand=brand,
        preferred=(request.POST.get("lang"), data.order.customer.locale, data.order.locale),
    )
    response = render_shopper(
        request,
        "feedback/refused.html",
        brand=brand,
        locale=locale,
        context={
            "message": message,
            "back_url": reverse("tracking-page", kwargs={"brand_slug": brand.slug, "token": token})
            + f"?lang={locale}#{anchor}",
        },
        status=status,
    )
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


def _first_error(error: ValidationError) -> str:
    return str(error.messages[0]) if error.messages else ""


def _locale_for(request: HttpRequest, data: TrackingPageData) -> str:
    order = data.order
    return shopper_locale(
        request=request,
        brand=order.brand,
        preferred=(request.POST.get("lang"), order.customer.locale, order.locale),
    )


@shopper_page
@require_POST
@shopper_ratelimit(rate=POST_RATE, target=url_kwarg("token"))
def rate_delivery(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    data = _page_data(brand_slug, token)
    locale = _locale_for(request, data)
    with translation.override(locale):
        if getattr(request, "limited", False):
            message = str(_("Too many tries. Please wait a minute and try again."))
            return _refused(request, data=data, token=token, message=message, status=429, anchor="feedback")
        form = RatingForm(request.POST)
        if not form.is_valid():
            errors = [
                str(e) for field in ("score", "comment", "shipment") for e in form.errors.get(field, [])
            ]
            return _refused(request, data=data, token=token, message=errors[0], status=400, anchor="feedback")
        try:
            services.delivery_rating_record(
                brand=data.order.brand,
                order_id=data.order.id,
                shipment_id=form.cleaned_data["shipment"],
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                locale=locale,
            )
        except services.FeedbackRefused as refused:
            status = 404 if refused.code == "not_found" else 409
            return _refused(
                request,
                data=data,
                token=token,
                message=_first_error(refused),
                status=status,
                anchor="feedback",
            )
        except ValidationError as invalid:
            return _refused(
                request, data=data, token=token, message=_first_error(invalid), status=400, anchor="feedback"
            )
    return _back(request, token=token, brand_slug=brand_slug, anchor="feedback", feedback="thanks")


@shopper_page
@require_POST
@shopper_ratelimit(rate=POST_RATE, target=url_kwarg("token"))
def report_problem(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    data = _page_data(brand_slug, token)
    locale = _locale_for(request, data)
    with translation.override(locale):
        if getattr(request, "limited", False):
            message = str(_("Too many tries. Please wait a minute and try again."))
            return _refused(request, data=data, token=token, message=message, status=429, anchor="problem")
        form = ProblemForm(request.POST)
        if not form.is_valid():
            errors = [
                str(e) for field in ("topic", "description", "shipment") for e in form.errors.get(field, [])
            ]
            return _refused(
                request,
                data=data,
                token=token,
                message=errors[0] if errors else "",
                status=400,
                anchor="problem",
            )
        topic = form.cleaned_data["topic"]
        if form.cleaned_data["website"]:
            # A bot: it is told what a person is told, and nothing is written.
            return _back(request, token=token, brand_slug=brand_slug, anchor="problem", problem=topic)
        try:
            services.problem_report(
                brand=data.order.brand,
                order_id=data.order.id,
                shipment_id=form.cleaned_data["shipment"],
                topic=topic,
                description=form.cleaned_data["description"],
                locale=locale,
            )
        except services.FeedbackRefused as refused:
            return _refused(
                request, data=data, token=token, message=_first_error(refused), status=404, anchor="problem"
            )
        except ValidationError as invalid:
            return _refused(
                request, data=data, token=token, message=_first_error(invalid), status=400, anchor="problem"
            )
    return _back(request, token=token, brand_slug=brand_slug, anchor="problem", problem=topic)
