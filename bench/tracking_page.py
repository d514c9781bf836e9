"""Tracking page throughput, in process, as a ratio to a bare Django view that reads one row.

Runs in one process (Django test client, DEBUG off) against a real Postgres database of its own
(dropped, created and migrated here) and the Redis of REDIS_URL. One order with two parcels and a
dozen scans; the bare view, registered only here (a bench URLconf), reads one order row and answers
with its number, through the same middleware. Rounds alternate the two; prints views per second per
round and the median of BENCH_ROUNDS rounds, plus a rendering without the cache and a repeat view
answered 304, for scale. The gunicorn + wrk figures for the issue come from the serving bench.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench REDIS_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python -m bench.tracking_page
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from types import ModuleType
from urllib.parse import urlsplit

from bench.webhook_ingest import _ensure_database

N = int(os.environ.get("BENCH_N", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))


def main() -> int:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("Set DATABASE_URL (a Postgres database the bench may drop) and REDIS_URL.", file=sys.stderr)
        return 2
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.http import HttpRequest, HttpResponse
    from django.test import Client
    from django.urls import clear_url_caches, path

    import postpurchase.urls
    from common import page_versions
    from orders.models import Order
    from tests import factories
    from tests.tracking.page_builders import order_with_lines, parcel

    call_command("migrate", verbosity=0)
    brand = factories.BrandFactory(slug="bench", default_locale="en")
    order = order_with_lines(brand=brand, lines=3)
    parcel(order=order)
    parcel(order=order)
    order_id = order.id

    def one_row(request: HttpRequest) -> HttpResponse:
        number = Order.objects.filter(id=order_id).values_list("number", flat=True).first()
        return HttpResponse(f"Order {number}")

    bench_urls = ModuleType("bench_tracking_page_urls")
    # Last, as a view added to the product would be: it pays the same URL resolving as the page.
    bench_urls.urlpatterns = [*postpurchase.urls.urlpatterns, path("bench/one-row/", one_row)]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = bench_urls
    clear_url_caches()

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (bench)")
    page = f"/{brand.slug}/track/{order.tracking_token}/"
    first = client.get(page)
    assert first.status_code == 200, first.status_code
    assert client.get("/bench/one-row/").status_code == 200

    def rate(run: Callable[[], None], n: int = N) -> float:
        started = time.perf_counter()
        for _ in range(n):
            run()
        return n / (time.perf_counter() - started)

    def cached() -> None:
        assert client.get(page).status_code == 200

    def bare() -> None:
        assert client.get("/bench/one-row/").status_code == 200

    def rendered() -> None:
        page_versions.order_changed(order_id=order_id)
        assert client.get(page).status_code == 200

    etag = first["ETag"]

    def not_modified() -> None:
        assert client.get(page, headers={"If-None-Match": etag}).status_code == 304

    rate(cached, 200)  # warm-up
    rate(bare, 200)
    if os.environ.get("BENCH_PROFILE"):  # where the time goes: the page's own work beyond the bare view
        import cProfile
        import pstats

        for name, run in (("cached page", cached), ("bare view", bare)):
            profile = cProfile.Profile()
            profile.runcall(rate, run, 300)
            print(f"--- {name}")
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)
        return 0
    pages, bares, ratios = [], [], []
    for round_number in range(1, ROUNDS + 1):
        page_rate = rate(cached)
        bare_rate = rate(bare)
        pages.append(page_rate)
        bares.append(bare_rate)
        ratios.append(page_rate / bare_rate)
        print(
            f"round {round_number}: page {page_rate:7.0f}/s  bare {bare_rate:7.0f}/s  ratio {ratios[-1]:.3f}"
        )
    print(
        f"views: {N} per round, {ROUNDS} rounds, Postgres at {urlsplit(url).hostname}, Redis {settings.REDIS_URL}"
    )
    print(f"tracking page, cached:  median {statistics.median(pages):7.0f} views/s")
    print(f"bare one-row view:      median {statistics.median(bares):7.0f} views/s")
    print(
        f"ratio (median of rounds): {statistics.median(ratios):.3f}  (spread {min(ratios):.3f}–{max(ratios):.3f})"
    )
    print(f"repeat view, 304:       {rate(not_modified, N // 2):7.0f} views/s")
    print(f"rendered (no cache):    {rate(rendered, max(N // 20, 50)):7.0f} views/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
