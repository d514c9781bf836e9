"""Every shopper page costs the same number of queries however much its order, brand and case hold.

Each page a shopper opens with a GET (the route table of the hostile-input sweep, so a new route
cannot be forgotten) is read once over a freshly seeded brand, then again after the same order,
return, case and brand have grown: more lines, parcels with many scans, more orders and customers,
more help answers and more messages in the case. A page whose query count grows with the data
would cost more at 10⁶ shipments than at 10³; the counts must be equal. Pages that keep a rendered
copy are compared warm to warm; their cold render has its own count test next to the page.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any, Final

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.common.test_no_server_errors import ROUTES, Route, World, _seed, _url
from tracking import services as tracking_services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.statuses import ShipmentStatus

pytestmark = pytest.mark.django_db

# Probes and the confirmation link that only the email holds have no page worth counting.
NOT_PAGES: Final = frozenset({"healthz", "readyz", "support-case-confirm"})
PAGES: Final = tuple(route for route in ROUTES if "GET" in route.methods and route.name not in NOT_PAGES)
GROWTH: Final = 12


def _queries(client: Any, path: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured)


def _grow(brand: Any, kwargs: dict[str, Any]) -> None:
    """The same order, return, case and brand, with much more around and inside them."""
    from orders.models import Order
    from support import services as support_services
    from support.models import Case, FaqArticle

    order = Order.objects.get(brand=brand, tracking_token=kwargs["token"])
    for index in range(GROWTH):
        product = factories.ProductFactory(brand=brand, price=Decimal("9.50"), currency="RON")
        factories.OrderLineFactory(order=order, product=product, quantity=1 + index % 3)
    start = timezone.now() - timedelta(days=6)
    for parcel in range(3):
        shipment, _ = tracking_services.shipment_upsert(
            brand=brand, order=order, carrier_code="dpd", tracking_number=f"GROW{order.number}{parcel}"
        )
        tracking_services.shipment_apply_update(
            shipment_id=shipment.id,
            update=TrackingUpdate(
                tracking_number=shipment.tracking_number,
                carrier_code="dpd",
                events=tuple(
                    CarrierEvent(
                        status=ShipmentStatus.IN_TRANSIT,
                        occurred_at=start + timedelta(hours=scan),
                        raw_status="t",
                        message=f"Scan {scan}",
                    )
                    for scan in range(GROWTH)
                ),
            ),
            source="test",
        )
    for number in range(GROWTH):
        customer = factories.CustomerFactory(brand=brand, email=f"grown{number}@example.com")
        factories.OrderFactory(brand=brand, customer=customer, number=f"G{order.number}{number}")
    template = FaqArticle.objects.filter(brand=brand, published=True).order_by("id").first()
    assert template is not None
    for number in range(GROWTH):
        support_services.faq_article_save(
            article=FaqArticle(
                brand=brand,
                category=template.category,
                locale=template.locale,
                title=f"Grown question {number}",
                body=f"<p>Grown answer {number}.</p>",
                statuses=template.statuses,
            )
        )
    case = Case.objects.get(brand=brand, token=kwargs["case_token"])
    for number in range(GROWTH):
        support_services.case_shopper_reply(case_id=case.id, body=f"Still waiting, message {number}.")


def test_every_page_reads_the_same_number_of_queries_as_its_data_grows(
    client: Any, brand: Any, other_brand: Any, settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = False
    world = World(
        slug=brand.slug, kwargs=_seed(brand, number="1001"), other=_seed(other_brand, number="2001")
    )
    pages: list[tuple[Route, str]] = [(route, _url(route, world)) for route in PAGES]

    def steady() -> dict[str, tuple[int, int]]:
        # Each page read twice: the first read may fill a cache; what is compared is the steady cost.
        for _route, path in pages:
            client.get(path)
        return {route.name: _queries(client, path) for route, path in pages}

    before = steady()
    _grow(brand, world.kwargs)
    after = steady()
    assert all(status < 400 for status, _ in before.values()), before
    assert {name: count for name, (_, count) in after.items()} == {
        name: count for name, (_, count) in before.items()
    }
