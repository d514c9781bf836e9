"""The tracking page costs the same number of queries whatever the order holds, blocks included."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import format_html
from django.utils.safestring import SafeString

from common import page_versions
from tests.tracking.page_builders import S, order_with_lines, parcel
from tracking import blocks
from tracking.blocks import TrackingPageContext
from tracking.models import TrackingEvent

pytestmark = pytest.mark.django_db


def loyalty_points_block(context: TrackingPageContext) -> SafeString:
    """A block that reads one row, as a real block from another app would."""
    count = TrackingEvent.objects.filter(shipment__order=context.order).count()
    return format_html('<p class="test-block">{} scans across {} parcels</p>', count, len(context.shipments))


@pytest.fixture
def test_block() -> Iterator[None]:
    saved = list(blocks.BLOCKS)
    blocks.register_block(slot="offers", name="test-loyalty", render=loyalty_points_block)
    yield
    blocks.BLOCKS[:] = saved


def big_order(brand: Any) -> Any:
    order = order_with_lines(brand=brand, lines=6)
    lines = list(order.lines.order_by("id"))
    for index in range(3):
        scans = [
            (status, 100 - hour, f"Scan {hour}", f"Hub {hour}")
            for hour, status in enumerate([S.INFO_RECEIVED] + [S.IN_TRANSIT] * 9)
        ]
        parcel(order=order, scans=scans, lines=[(line.id, 1) for line in lines[index * 2 : index * 2 + 2]])
    assert TrackingEvent.objects.filter(shipment__order=order).count() == 30
    return order


def small_order(brand: Any) -> Any:
    order = order_with_lines(brand=brand, lines=1)
    parcel(order=order)
    assert TrackingEvent.objects.filter(shipment__order=order).count() == 2
    return order


def queries_for(client: Any, brand: Any, order: Any) -> list[str]:
    page_versions.order_changed(order_id=order.id)  # what a change does: the next view renders again
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/{brand.slug}/track/{order.tracking_token}/")
    assert response.status_code == 200
    assert b'class="test-block"' in response.content
    return [query["sql"] for query in captured.captured_queries]


def test_query_count_is_constant_in_parcels_lines_and_events(
    client: Any, brand: Any, test_block: None
) -> None:
    small, big = small_order(brand), big_order(brand)
    client.get(f"/{brand.slug}/track/{small.tracking_token}/")
    client.get(f"/{brand.slug}/track/{big.tracking_token}/")

    small_queries = queries_for(client, brand, small)
    big_queries = queries_for(client, brand, big)

    assert len(small_queries) == len(big_queries), (small_queries, big_queries)
    assert len(big_queries) <= 12  # tracking's own, this test's block, the growth blocks and the help answers


@pytest.mark.parametrize(
    ("build", "shown"),
    [(small_order, b"2 scans across 1 parcels"), (big_order, b"30 scans across 3 parcels")],
)
def test_page_query_budget(
    client: Any, brand: Any, django_assert_num_queries: Any, test_block: None, build: Any, shown: bytes
) -> None:
    order = build(brand)
    client.get(f"/{brand.slug}/track/{order.tracking_token}/")
    page_versions.order_changed(order_id=order.id)

    # Rendered again after a change: focus shipment, order, order lines, shipments, shipment lines,
    # events, the block, the loyalty block (one query when the brand runs no programme),
    # recommendations, offer blocks, help answers. No brand (kept in memory), no view count (Redis).
    with django_assert_num_queries(11):
        response = client.get(f"/{brand.slug}/track/{order.tracking_token}/")
    assert response.status_code == 200
    assert shown in response.content


@pytest.mark.parametrize("build", [small_order, big_order])
def test_a_cached_page_costs_no_query(
    client: Any, brand: Any, django_assert_num_queries: Any, build: Any
) -> None:
    order = build(brand)
    path = f"/{brand.slug}/track/{order.tracking_token}/"
    client.get(path)

    # Brand from this process's memory; the page and its versions in one Redis round trip.
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert response["ETag"]


def test_the_first_view_of_a_token_costs_two_queries_more_than_a_rendering(
    client: Any, brand: Any, django_assert_num_queries: Any, test_block: None
) -> None:
    order = small_order(brand)

    # The brand (once per process), the order and customer behind the token (read before the
    # versions), then as a rendering.
    with django_assert_num_queries(13):
        response = client.get(f"/{brand.slug}/track/{order.tracking_token}/")
    assert response.status_code == 200
