"""The tracking page stays small: HTML and CSS bytes under a budget, no other requests."""

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.tracking.page_builders import S, order_with_lines, parcel

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "tracking" / "static" / "shopper" / "shopper.css"
HTML_BUDGET = 20_000  # bytes, uncompressed, for a one-parcel order with a week of scans
CSS_BUDGET = 12_000


def test_page_weight_budget(client: Any, brand: Any, capsys: Any) -> None:
    order = order_with_lines(brand=brand, lines=2)
    scans = [(S.INFO_RECEIVED, 100, "Shipping label created", "Warehouse")] + [
        (S.IN_TRANSIT, 90 - hour * 10, f"Arrived at facility {hour}", f"Hub {hour}") for hour in range(7)
    ]
    shipment = parcel(order=order, scans=scans)

    html = client.get(f"/{brand.slug}/track/{shipment.token}/", {"lang": "en"}).content
    css = CSS.read_bytes()

    with capsys.disabled():
        print(
            f"\ntracking page: HTML {len(html)} B ({len(gzip.compress(html))} B gzip), "
            f"CSS {len(css)} B ({len(gzip.compress(css))} B gzip), "
            f"{len(re.findall(rb'<img ', html))} product images from the merchant"
        )
    assert len(html) < HTML_BUDGET
    assert len(css) < CSS_BUDGET
    assert b"<script" not in html
