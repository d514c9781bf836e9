"""A brand's own host serves its tracking pages, and nothing else."""

import socket
from typing import Any

import pytest

from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = pytest.mark.django_db

HOST = "track.casaverde.example"


@pytest.fixture
def on_custom_domain(settings: Any, brand: Any) -> Any:
    settings.ALLOWED_HOSTS = [HOST, "track.unknown.example", "testserver"]
    brand.custom_domain = HOST
    brand.save()
    return brand


def test_the_tracking_page_on_the_brands_own_host(client: Any, on_custom_domain: Any, order: Any) -> None:
    shipment = parcel(order=order)

    response = client.get(f"/track/{shipment.token}/", {"lang": "en"}, headers={"Host": HOST})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="wordmark">Casa Verde</span>' in html
    assert '<h1 id="headline">In transit</h1>' in html


def test_the_lookup_on_the_brands_own_host(client: Any, on_custom_domain: Any, order: Any) -> None:
    assert client.get("/track/", headers={"Host": HOST}).status_code == 200

    found = client.post(
        "/track/", {"number": order.number, "contact": "ioana@example.com"}, headers={"Host": HOST}
    )

    assert found.status_code == 302
    assert client.get(found["Location"], headers={"Host": HOST}).status_code == 200


def test_the_root_leads_to_the_lookup(client: Any, on_custom_domain: Any) -> None:
    response = client.get("/", headers={"Host": HOST})

    assert response.status_code == 302
    assert response["Location"] == "/track/"


def test_other_brands_and_back_office_are_not_served_there(
    client: Any, on_custom_domain: Any, other_brand: Any
) -> None:
    theirs = parcel(order=order_with_lines(brand=other_brand))

    assert client.get(f"/track/{theirs.token}/", headers={"Host": HOST}).status_code == 404
    assert client.get(f"/{other_brand.slug}/track/{theirs.token}/", headers={"Host": HOST}).status_code == 404
    assert client.get("/admin/", headers={"Host": HOST}).status_code == 404
    assert client.get("/api/v1/orders/", headers={"Host": HOST}).status_code == 404


def test_hosts_that_are_no_brands_route_as_usual(client: Any, on_custom_domain: Any, order: Any) -> None:
    page = f"/{on_custom_domain.slug}/track/{order.tracking_token}/"

    assert client.get(page).status_code == 200
    assert client.get(page, headers={"Host": "track.unknown.example"}).status_code == 200
    assert (
        client.get(f"/track/{order.tracking_token}/", headers={"Host": "track.unknown.example"}).status_code
        == 404
    )
    assert client.get(page, headers={"Host": "evil.example"}).status_code == 400  # not an allowed host


def test_the_brands_own_host_keeps_serving_while_redis_is_down(
    client: Any, settings: Any, on_custom_domain: Any, order: Any, caplog: Any
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]  # closed again: nothing listens there
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{dead_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    shipment = parcel(order=order)

    response = client.get(f"/track/{shipment.token}/", {"lang": "en"}, headers={"Host": HOST})

    assert response.status_code == 200
    assert '<span class="wordmark">Casa Verde</span>' in response.content.decode()
    assert "Cache unavailable for brands" in caplog.text
