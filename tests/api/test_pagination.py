"""Cursor pages: a whole list walked by `next` and back by `previous`, offsets bounded, counts bounded."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import common.api
from bench import datagen
from common.api import MAX_OFFSET, encode_cursor
from orders.models import Order
from tracking.models import Shipment


@pytest.fixture
def listed(brand: Any) -> Any:
    datagen.populate_brand(brand=brand, shipments=60, now=timezone.now(), tag="paged")
    return brand


def _walk(api: Any, url: str, direction: str = "next") -> tuple[list[int], list[Any]]:
    ids: list[int] = []
    pages = []
    while url:
        page = api.get(url).json()
        pages.append(page)
        ids.extend(row["id"] for row in page["results"])
        url = page[direction]
    return ids, pages


@pytest.mark.parametrize(
    ("path", "model", "key"), [("shipments", Shipment, "created_at"), ("orders", Order, "placed_at")]
)
def test_next_walks_the_whole_list_newest_first_and_previous_walks_back(
    api: Any, listed: Any, path: str, model: Any, key: str
) -> None:
    expected = list(
        model.objects.filter(brand=listed).order_by(f"-{key}", "-id").values_list("id", flat=True)
    )
    ids, pages = _walk(api, f"/api/v1/{path}/?limit=7")
    assert ids == expected
    assert pages[0]["previous"] is None
    assert pages[-1]["next"] is None
    assert all(page["count"] == len(expected) for page in pages)
    _, back_pages = _walk(api, pages[-1]["previous"], direction="previous")
    back = [row["id"] for page in reversed(back_pages) for row in page["results"]]
    assert back_pages[-1]["previous"] is None
    assert back == expected[: len(back)]
    assert len(back) == len(expected) - len(pages[-1]["results"])


def test_a_deep_page_costs_the_queries_of_the_first(api: Any, listed: Any) -> None:
    rows = (
        Shipment.objects.filter(brand=listed).order_by("-created_at", "-id").values_list("created_at", "id")
    )
    key, row_id = rows[40]
    api.get("/api/v1/shipments/", {"limit": "5"})  # the key's first use of the day is written down once
    counts = []
    for params in ({"limit": "5"}, {"limit": "5", "cursor": encode_cursor(key=key, row_id=row_id)}):
        with CaptureQueriesContext(connection) as captured:
            page = api.get("/api/v1/shipments/", params).json()
        assert len(page["results"]) == 5
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert page["results"][0]["id"] == rows[41][1]


def test_offsets_still_work_up_to_the_bound_and_point_to_next_beyond(api: Any, listed: Any) -> None:
    first = api.get("/api/v1/shipments/?limit=10").json()
    third = api.get("/api/v1/shipments/?limit=5&offset=10").json()
    assert [row["id"] for row in third["results"]] == [
        row["id"] for row in api.get(first["next"]).json()["results"][:5]
    ]
    assert api.get(f"/api/v1/shipments/?offset={MAX_OFFSET}").status_code == 200
    refused = api.get(f"/api/v1/shipments/?offset={MAX_OFFSET + 1}")
    assert refused.status_code == 400
    assert "next" in refused.json()["detail"]


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "bm9uc2Vuc2U", encode_cursor(key="2026-01-01T00:00:00", row_id=1), "W10", "x" * 201],
)
def test_a_cursor_the_api_did_not_give_is_a_400(api: Any, listed: Any, cursor: str) -> None:
    response = api.get("/api/v1/shipments/", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_cursor_and_offset_together_are_a_400(api: Any, listed: Any) -> None:
    cursor = api.get("/api/v1/shipments/?limit=5").json()["next"].split("cursor=")[1]
    assert api.get("/api/v1/shipments/", {"cursor": cursor, "offset": "5"}).status_code == 400


def test_count_is_null_above_its_bound(api: Any, listed: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(common.api, "MAX_COUNT", 10)
    page = api.get("/api/v1/shipments/?limit=5").json()
    assert page["count"] is None
    assert api.get("/api/v1/shipments/?status=exception&limit=5").json()["count"] in {None, *range(11)}
