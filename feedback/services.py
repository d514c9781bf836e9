"""Writes for feedback: delivery ratings, NPS requests and answers, problem reports.

Every path that may run twice (a double submit, a beat restarted mid-run, two beats) is guarded by a
unique row: one rating per parcel, one NPS request per order, one case per cause (`source_key`).
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from brands.models import Brand
from common.urls import absolute_url
from feedback import escalation, selectors
from feedback.messages import NPS_REQUEST
from feedback.models import MAX_COMMENT_LENGTH, DeliveryRating, NpsRequest
from feedback.topics import PRIORITY_BY_TOPIC, ProblemTopic
from loyalty.codes import discount_code_issue
from loyalty.models import CodePurpose, DiscountKind
from notifications import services as notifications
from orders.models import Order
from support import services as support
from support.models import Case, CaseKind, Priority
from tracking.models import Direction, Shipment
from tracking.statuses import ShipmentStatus


class FeedbackRefused(ValidationError):
    """Feedback that cannot be taken (the parcel is not delivered, the change window closed)."""


def clean_comment(value: str | None) -> str:
    text = (value or "").replace("\x00", "").strip()
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"comment": _("Please keep it under %(limit)s characters.") % {"limit": MAX_COMMENT_LENGTH}}
        )
    return text


def _check_score(score: object, *, low: int, high: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise ValidationError(
            {"score": _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return score


# ---- delivery rating (CSAT) ------------------------------------------------------------------------


@transaction.atomic
def delivery_rating_record(
    *,
    brand: Brand,
    order_id: int,
    shipment_id: int,
    score: int,
    comment: str = "",
    locale: str = "",
    now: datetime | None = None,
) -> tuple[DeliveryRating, bool]:
    """Rate a delivered parcel of the order, or change the rating within the brand's window.
    (rating, created). Raises FeedbackRefused, writing nothing, when the parcel cannot be rated."""
    score = _check_score(score, low=1, high=5)
    text = clean_comment(comment)
    now = now or timezone.now()
    # The parcel's row lock makes a double submit wait and then find the first answer.
    shipment = (
        Shipment.objects.select_for_update()
        .filter(id=shipment_id, brand=brand, order_id=order_id, direction=Direction.OUTBOUND)
        .first()
    )
    if shipment is None:
        raise FeedbackRefused(_("This parcel is not part of your order."), code="not_found")
    if shipment.status != ShipmentStatus.DELIVERED:
        raise FeedbackRefused(
            _("You can rate the delivery once the parcel has arrived."), code="not_delivered"
        )
    rating = DeliveryRating.objects.filter(shipment=shipment).first()
    created = rating is None
    if rating is None:
        order = Order.objects.only("id", "customer_id").get(id=order_id)
        rating = DeliveryRating.objects.create(
            brand=brand,
            shipment=shipment,
            order_id=order_id,
            customer_id=order.customer_id,
            score=score,
            comment=text,
            locale=locale,
        )
    else:
        settings_row = selectors.feedback_settings(brand_id=brand.id)
        if not selectors.csat_changeable(rating=rating, change_hours=settings_row.csat_change_hours, now=now):
            raise FeedbackRefused(
                _("Thank you, your rating is saved. It can no longer be changed."), code="window_closed"
            )
        rating.score, rating.comment, rating.locale = score, text, locale or rating.locale
        rating.save(update_fields=["score", "comment", "locale", "updated_at"])
    if escalation.csat_needs_follow_up(score=score, comment=text):
        _follow_up_open(
            brand=brand,
            source_key=f"csat:{rating.id}",
            topic="csat",
            subject=f"Delivery rated {score}/5",
            comment=text,
            order_id=order_id,
            shipment_id=shipment.id,
            customer_id=rating.customer_id,
            locale=rating.locale,
        )
    return rating, created


def _follow_up_open(
    *,
    brand: Brand,
    source_key: str,
    topic: str,
    subject: str,
    comment: str,
    order_id: int,
    shipment_id: int | None,
    customer_id: int | None,
    locale: str,
) -> Case:
    """A high-priority case for unhappy feedback; the same answer, however often changed, opens one."""
    order_number = Order.objects.values_list("number", flat=True).get(id=order_id)
    phrase = escalation.negative_phrase(comment)
    body = comment or "No comment left."
    if phrase:
        body = f"{body}\n\n(Flagged for the words “{phrase}”.)"
    case, _created = support.case_open(
        brand=brand,
        data=support.CaseInput(
            kind=CaseKind.FEEDBACK,
            subject=f"{subject} · order #{order_number}",
            body=body,
            topic=topic,
            priority=Priority.HIGH,
            customer_id=customer_id,
            order_id=order_id,
            shipment_id=shipment_id,
            locale=locale,
            source_key=source_key,
        ),
    )
    return case


# ---- NPS -------------------------------------------------------------------------------------------


def nps_url(request: NpsRequest) -> str:
    return absolute_url(
        reverse("feedback-nps", kwargs={"brand_slug": request.brand.slug, "token": request.token})
    )


def nps_request_send(
    *, brand: Brand, order_id: int, customer_id: int, delivered_on: date
) -> NpsRequest | None:
    """Ask one order's shopper for a recommendation score: the row first, then the message, in one
    transaction. None when the order was asked before (by this run, an earlier one or a parallel one)."""
    try:
        with transaction.atomic():
            request = NpsRequest.objects.create(
                brand=brand, order_id=order_id, customer_id=customer_id, delivered_on=delivered_on
            )
            order = Order.objects.only("number", "locale").get(id=order_id)
            notifications.notification_request(
                brand_id=brand.id,
                customer_id=customer_id,
                trigger=NPS_REQUEST,
                subject_key=f"nps:{order_id}",
                context={"order_number": order.number, "nps_url": nps_url(request), "locale": order.locale},
                order_id=order_id,
            )
    except IntegrityError:
        return None
    return request


def nps_requests_send(*, now: datetime | None = None) -> int:
    """Ask every order that is due (all parcels delivered `nps_delay_days` local days ago); idempotent."""
    now = now or timezone.now()
    sent = 0
    for brand, settings_row in selectors.brands_asking_nps():
        today = timezone.localtime(now, selectors.zone(brand)).date()
        for candidate in selectors.nps_due_orders(
            brand=brand, today=today, delay_days=settings_row.nps_delay_days
        ):
            request = nps_request_send(
                brand=brand,
                order_id=candidate.order_id,
                customer_id=candidate.customer_id,
                delivered_on=candidate.delivered_on,
            )
            sent += request is not None
    return sent


@transaction.atomic
def nps_answer_record(
    *, request_id: int, score: int, comment: str = "", locale: str = ""
) -> tuple[NpsRequest, bool]:
    """Take the shopper's answer once (a repeated post finds the first); (request, answered now).
    Gives the thank-you code when the brand offers one, and opens a case for a detractor."""
    score = _check_score(score, low=0, high=10)
    text = clean_comment(comment)
    request = NpsRequest.objects.select_for_update().select_related("brand", "order").get(id=request_id)
    if request.answered_at is not None:
        return request, False
    request.score, request.comment, request.locale = score, text, locale
    request.answered_at = timezone.now()
    settings_row = selectors.feedback_settings(brand_id=request.brand_id)
    if settings_row.thank_you_coupon and settings_row.coupon_percent:
        request.coupon_code = discount_code_issue(
            brand_id=request.brand_id,
            customer_id=request.customer_id,
            purpose=CodePurpose.THANK_YOU,
            kind=DiscountKind.PERCENT,
            value=Decimal(settings_row.coupon_percent),
            valid_days=60,
        ).code
    request.save(update_fields=["score", "comment", "locale", "answered_at", "coupon_code"])
    if escalation.nps_needs_follow_up(score=score, comment=text):
        _follow_up_open(
            brand=request.brand,
            source_key=f"nps:{request.id}",
            topic="nps",
            subject=f"Would recommend {score}/10",
            comment=text,
            order_id=request.order_id,
            shipment_id=None,
            customer_id=request.customer_id,
            locale=locale,
        )
    return request, True


# ---- problem reports -------------------------------------------------------------------------------


def problem_report(
    *, brand: Brand, order_id: int, shipment_id: int, topic: str, description: str = "", locale: str = ""
) -> tuple[Case, bool]:
    """Open a case about a parcel; the same parcel and topic reported again finds the first case."""
    if topic not in ProblemTopic.values:
        raise ValidationError({"topic": _("Choose what went wrong.")})
    text = clean_comment(description)
    shipment = (
        Shipment.objects.filter(id=shipment_id, brand=brand, order_id=order_id, direction=Direction.OUTBOUND)
        .select_related("order")
        .first()
    )
    if shipment is None:
        raise FeedbackRefused(_("This parcel is not part of your order."), code="not_found")
    with translation.override("en"):  # the case is read by the brand's staff
        label = str(ProblemTopic(topic).label)
    return support.case_open(
        brand=brand,
        data=support.CaseInput(
            kind=CaseKind.PROBLEM,
            subject=f"{label} · order #{shipment.order.number}",
            body=text or label,
            topic=topic,
            priority=PRIORITY_BY_TOPIC[topic],
            customer_id=shipment.order.customer_id,
            order_id=order_id,
            shipment_id=shipment.id,
            locale=locale,
            source_key=f"problem:{shipment.id}:{topic}",
        ),
    )
