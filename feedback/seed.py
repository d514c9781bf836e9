"""Demo feedback: each demo brand gives a thank-you code for NPS answers; delivered parcels get ratings."""

from brands.models import Brand
from demo.seed import DEMO_BRANDS
from feedback import services
from feedback.models import DeliveryRating, FeedbackSettings
from tracking.models import Direction, Shipment
from tracking.statuses import ShipmentStatus

# score, comment: a happy shopper, a so-so one and one whose parcel needs a follow-up case
DEMO_RATINGS = ((5, ""), (3, ""), (2, "The box was crushed"))


def seed_feedback() -> list[str]:
    """Idempotent: settings once per brand, a rating only for parcels without one."""
    lines = []
    for spec in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=spec.slug).first()
        if brand is None:
            continue
        FeedbackSettings.objects.get_or_create(brand=brand, defaults={"thank_you_coupon": True})
        delivered = Shipment.objects.filter(
            brand=brand,
            direction=Direction.OUTBOUND,
            status=ShipmentStatus.DELIVERED,
            delivery_rating__isnull=True,
            order__source="demo",
        ).order_by("id")[: len(DEMO_RATINGS)]
        for shipment, (score, comment) in zip(delivered, DEMO_RATINGS, strict=False):
            services.delivery_rating_record(
                brand=brand,
                order_id=shipment.order_id,
                shipment_id=shipment.id,
                score=score,
                comment=comment,
                locale=spec.locale,
            )
        count = DeliveryRating.objects.filter(brand=brand).count()
        lines.append(f"Feedback ({spec.slug}): {count} delivery ratings — /admin/feedback/deliveryrating/")
    return lines
