"""Shopper form limits: they survive a Redis outage, count the shopper behind a trusted proxy (and
nobody's forged header), cap the guesses at one order from everywhere, and answer with a page."""

import logging
import socket
import uuid
from typing import Any

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from common.ratelimits import client_ip
from tests import factories
from tests.feedback.conftest import DELIVERED_SCANS, rate_url
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = pytest.mark.django_db

LOOKUP_RATE = 10  # tracking.views.LOOKUP_RATE, per client and minute
TARGET_RATE = 20  # common.ratelimits.TARGET_RATE, per order number and hour
PROXY = "10.0.0.2"


@pytest.fixture
def shop_order(brand: Any) -> Any:
    customer = factories.CustomerFactory(brand=brand, email="ioana.pop@example.com", locale="ro")
    return order_with_lines(brand=brand, customer=customer, number="1001", shipping_postal_code="010011")


def lookup(client: Client, brand: Any, number: str, contact: str, lang: str = "en") -> Any:
    return client.post(f"/{brand.slug}/track/?lang={lang}", {"number": number, "contact": contact})


def free_port() -> int:
    """A loopback port nothing listens on: the kernel just handed it out and it was closed again."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_down(settings: Any) -> str:
    """Every cache pointed at a Redis that is not there, as during an outage."""
    dead = f"redis://127.0.0.1:{free_port()}/0"
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead},
        "ratelimit": {
            "BACKEND": "common.ratelimits.FailoverRedisCache",
            "LOCATION": dead,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    return dead


# --- Redis outage ----------------------------------------------------------------------------------


def test_shopper_forms_keep_working_while_redis_is_down(
    client: Any,
    brand: Any,
    shop_order: Any,
    redis_down: str,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    delivered = parcel(
        order=order_with_lines(brand=brand, customer=shop_order.customer, number="2001"),
        scans=DELIVERED_SCANS,
        tracking_number="DPD2001A",
    )
    token = shop_order.tracking_token
    caplog.set_level(logging.WARNING, logger="common.ratelimits")

    tracked = lookup(client, brand, "1001", "010011")
    returns = client.post(f"/{brand.slug}/returns/", {"number": "1001", "email": "ioana.pop@example.com"})
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            f"/{brand.slug}/help/ask/",
            {
                "name": "Ioana",
                "email": "ioana.pop@example.com",
                "subject": "Adresa",
                "message": "Pot schimba?",
            },
        )
    sms = client.post(f"/{brand.slug}/track/{token}/sms/", {"phone": "0721 234 567"})
    rated = client.post(
        rate_url(brand, delivered.token),
        {"shipment": delivered.id, "score": "5", "comment": "", "lang": "en"},
    )

    assert tracked.status_code == 302
    assert returns.status_code == 302
    assert asked.status_code == 200
    assert sms.status_code == 302
    assert "sms=code" in sms["Location"]  # a code was texted: the opt-in form still works
    assert rated.status_code == 302
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Shared rate limiter unavailable" in r.getMessage() for r in warnings)


def test_while_redis_is_down_the_limit_still_holds_in_the_process(
    client: Any, brand: Any, shop_order: Any, redis_down: str
) -> None:
    answers = [lookup(client, brand, f"9{n}", "x@example.com").status_code for n in range(LOOKUP_RATE)]
    over = lookup(client, brand, "1001", "010011")

    assert answers == [400] * LOOKUP_RATE
    assert over.status_code == 429


# --- the client behind a proxy ---------------------------------------------------------------------


def request_from(remote: str, forwarded: str = "") -> Any:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("count", "proxies", "remote", "forwarded", "expected"),
    [
        # Nothing trusted: the header is anyone's to write.
        (0, [], "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # One TLS proxy appends what it saw; what the client wrote before it is not believed.
        (1, [], PROXY, "203.0.113.5", "203.0.113.5"),
        (1, [], PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        # A CDN, then the TLS proxy.
        (2, [], PROXY, "1.2.3.4, 203.0.113.5, 192.0.2.10", "203.0.113.5"),
        # Trusted by address: only when the request really came from that proxy.
        (0, [PROXY], PROXY, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (0, ["10.0.0.0/8"], PROXY, "203.0.113.5", "203.0.113.5"),
        (0, [PROXY], "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        # A proxy that sent no header: its own address is all there is.
        (1, [], PROXY, "", PROXY),
    ],
)
def test_client_address(
    settings: Any, count: int, proxies: list[str], remote: str, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_PROXIES = proxies

    assert client_ip(request_from(remote, forwarded)) == expected


def test_shoppers_behind_one_trusted_proxy_are_limited_separately(
    settings: Any, brand: Any, shop_order: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    shopper = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")

    for n in range(LOOKUP_RATE):
        assert lookup(guesser, brand, f"9{n}", "x@example.com").status_code == 400
    assert lookup(guesser, brand, "1001", "010011").status_code == 429

    assert lookup(shopper, brand, "1001", "010011").status_code == 302


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(brand: Any, shop_order: Any) -> None:
    for n in range(LOOKUP_RATE):
        forger = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert lookup(forger, brand, f"9{n}", "x@example.com").status_code == 400

    forger = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.200")
    assert lookup(forger, brand, "1001", "010011").status_code == 429


def test_one_order_cannot_be_guessed_from_many_addresses(brand: Any, shop_order: Any) -> None:
    for n in range(TARGET_RATE):
        guesser = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert lookup(guesser, brand, "1001", f"0000{n:02d}").status_code == 400

    late = Client(REMOTE_ADDR="198.51.100.250")
    assert lookup(late, brand, " #1001 ", "010011").status_code == 429
    # Other orders, and the brand's other shoppers, are not held up by it.
    assert lookup(late, brand, "1002", "x@example.com").status_code == 400


# --- the page a limited shopper sees ---------------------------------------------------------------


def test_a_limited_sms_opt_in_answers_with_a_page_in_the_shoppers_language(
    brand: Any, shop_order: Any
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.9")
    url = f"/{brand.slug}/track/{shop_order.tracking_token}/sms/?lang=ru"
    for _ in range(10):
        client.post(url, {"phone": "x"})

    limited = client.post(url, {"phone": "0721 234 567"})

    html = limited.content.decode()
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert limited["Content-Language"] == "ru"
    assert "Слишком много попыток" in html
    assert brand.name in html
    assert f'href="/{brand.slug}/track/{shop_order.tracking_token}/"' in html


def test_the_limited_page_is_translated_in_every_shopper_language(brand: Any, shop_order: Any) -> None:
    brand.enabled_locales = ["en", "ro", "pl", "ru"]
    brand.save()
    expected = {
        "en": "Too many tries",
        "ro": "Prea multe încercări",
        "pl": "Zbyt wiele prób",
        "ru": "Слишком",
    }
    for index, (lang, words) in enumerate(expected.items()):
        client = Client(REMOTE_ADDR=f"198.51.100.{index + 1}")
        url = f"/{brand.slug}/track/{shop_order.tracking_token}/sms/?lang={lang}"
        # The limit counts in fixed windows: a slow run must not step into the next one midway.
        with time_machine.travel(timezone.now(), tick=False):
            for _ in range(10):
                client.post(url, {"phone": "x"})
            assert words in client.post(url, {"phone": "x"}).content.decode(), lang
