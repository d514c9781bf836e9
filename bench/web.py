"""The web tier against the framework floor: tracking page and carrier webhooks under wrk.

One gunicorn server (3 workers × 4 threads by default, DEBUG off, the bench settings: the product's
settings plus two bare views) serves both the product and its baseline, so they share the WSGI
server, the middleware stack, the database and Redis. wrk loads each with 8 connections for a fixed
time per round; baseline and product alternate for 5 rounds each and the medians, the min–max
spread and the ratio product/baseline are printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench \\
    REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python -m bench.web                      # every scenario
        .venv/bin/python -m bench.web page scan            # some of them
        .venv/bin/python -m bench.web --rounds 5 --duration 5 --workers 3 --threads 4

Scenarios (baseline in brackets):

- page: the tracking page of one order, as a browser asks for it [one brand read by slug];
- scan: a signed EasyPost `tracker.updated` that adds a new checkpoint, with the carrier's delivery
  estimate, each call a body never sent before [one INSERT of the request body];
- scan-no-estimate: the same without a carrier estimate, so the product's own estimate is worked
  out from the brand's delivered history (the costly case at 10⁶ shipments) [one INSERT];
- replay: a call the product has already received, sent again (carriers retry) [one INSERT].

The database is the one DATABASE_URL names; it is migrated, and the bench writes to it (events,
webhook records, an EasyPost secret, its own `bench_baseline_row` table), so never point it at
production. An empty database gets a small data set of its own (brand `bench`); a database filled
by `python -m bench.datagen` is used as it is: the brand with the most shipments is measured
(`--brand SLUG` picks another).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import harness

SECRET = "bench-easypost-secret"
SIGNATURE_HEADER = "X-Hmac-Signature"
BROWSER_HEADERS = (
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Accept: text/html,application/xhtml+xml",
    "Accept-Language: en",
    "Accept-Encoding: gzip, br",
)
TARGETS = {"page": 0.80, "scan": 0.50, "scan-no-estimate": 0.50, "replay": 0.50}
SCENARIOS = tuple(TARGETS)
# Fresh bodies written per round: more than the fastest side can take in a round, so none repeats.
BODIES_PER_SECOND = 3000
REPLAY_BODIES = 200


@dataclass(frozen=True)
class Fixture:
    brand_slug: str
    brand_shipments: int
    page_path: str
    tracking_numbers: list[str]


def _setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    import django

    django.setup()


def _make_small_data_set(*, shipments: int) -> None:
    """Brand `bench`: parcels in transit to scan and one order to show, plus delivered history."""
    from django.db import transaction

    from brands.models import Brand
    from tests import factories
    from tracking import services
    from tracking.carriers.base import CarrierEvent, TrackingUpdate
    from tracking.models import Shipment
    from tracking.statuses import ShipmentStatus

    now = datetime.now(tz=UTC).replace(microsecond=0)
    with transaction.atomic():
        Brand.objects.filter(slug="bench").delete()
        brand = factories.BrandFactory(slug="bench", name="Bench Outfitters")
        product = factories.ProductFactory(brand=brand, sku="BENCH-1", title="Linen shirt")

        def order(index: int) -> Any:
            customer = factories.CustomerFactory(
                brand=brand, email=f"shopper{index}@bench.example", sms_consent=False, marketing_consent=False
            )
            made = factories.OrderFactory(
                brand=brand, customer=customer, external_id=f"bench-{index}", number=f"B{index:06d}"
            )
            factories.OrderLineFactory(order=made, product=product, external_id=f"bench-line-{index}")
            return made

        # The order whose page is measured comes first; then the parcels that scans go to.
        for index in range(shipments + 1):
            number = f"1ZBENCH{index:07d}"
            shipment, _ = services.shipment_upsert(
                brand=brand,
                order=order(index),
                carrier_code="ups",
                carrier_name="UPS",
                tracking_number=number,
            )
            events = tuple(
                CarrierEvent(
                    status=status,
                    occurred_at=now - timedelta(days=2, hours=hours),
                    raw_status=raw,
                    detail=detail,
                    message=message,
                    location="Cluj-Napoca, RO",
                )
                for status, raw, detail, message, hours in (
                    (ShipmentStatus.INFO_RECEIVED, "pre_transit", "label_created", "Label created", 6),
                    (ShipmentStatus.IN_TRANSIT, "in_transit", "departed_facility", "Departed facility", 0),
                )
            )
            services.shipment_apply_update(
                shipment_id=shipment.id,
                update=TrackingUpdate(tracking_number=number, carrier_code="ups", events=events),
                source="easypost",
            )
        # Delivered history for the product's own estimate (carrier and destination as above).
        for index in range(shipments + 1, shipments + 1 + 60):
            shipment, _ = services.shipment_upsert(
                brand=brand, order=order(index), carrier_code="ups", tracking_number=f"1ZBENCH{index:07d}"
            )
            shipped = now - timedelta(days=10 + index % 20)
            Shipment.objects.filter(id=shipment.id).update(
                status=ShipmentStatus.DELIVERED,
                shipped_at=shipped,
                delivered_at=shipped + timedelta(days=2 + index % 3),
                last_event_at=shipped + timedelta(days=2 + index % 3),
            )


def prepare(*, brand_slug: str, shipments: int) -> Fixture:
    """Migrate, create the baseline's table, find or make the data the scenarios use."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from bench.models import BaselineRow
    from brands import selectors as brand_selectors
    from brands.models import Brand
    from brands.services import webhook_secret_set
    from tracking.models import Shipment
    from tracking.statuses import ShipmentStatus

    call_command("migrate", interactive=False, verbosity=0)
    if BaselineRow._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(BaselineRow)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {BaselineRow._meta.db_table}")

    if brand_slug == "auto":
        biggest = (
            Shipment.objects.exclude(brand__slug="bench")
            .values("brand_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        if biggest and biggest["n"] >= 1000:
            brand = Brand.objects.get(id=biggest["brand_id"])
        else:
            in_transit = Shipment.objects.filter(
                brand__slug="bench", status=ShipmentStatus.IN_TRANSIT
            ).count()
            if in_transit < shipments + 1:
                print(f"Writing a small data set (brand bench, {shipments} parcels in transit)…", flush=True)
                _make_small_data_set(shipments=shipments)
            brand = Brand.objects.get(slug="bench")
    else:
        brand = Brand.objects.get(slug=brand_slug)

    if SECRET not in brand_selectors.webhook_secrets_accepted(brand=brand, provider="easypost"):
        webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)

    in_transit = Shipment.objects.filter(
        brand=brand, status=ShipmentStatus.IN_TRANSIT, delivered_at__isnull=True
    )
    page_shipment = in_transit.select_related("order").order_by("id").first()
    if page_shipment is None:
        raise SystemExit(f"Brand {brand.slug} has no parcel in transit to measure.")
    numbers = list(
        in_transit.exclude(order_id=page_shipment.order_id)
        .exclude(tracking_number="")
        .order_by("id")
        .values_list("tracking_number", flat=True)[:shipments]
    )
    if not numbers:
        raise SystemExit(f"Brand {brand.slug} has no other parcel in transit to send scans to.")
    return Fixture(
        brand_slug=brand.slug,
        brand_shipments=Shipment.objects.filter(brand=brand).count(),
        page_path=f"/{brand.slug}/track/{page_shipment.order.tracking_token}/",
        tracking_numbers=numbers,
    )


def easypost_body(
    *, tracking_number: str, event_id: str, occurred_at: datetime, estimate: date | None
) -> bytes:
    """An EasyPost `tracker.updated` Event adding one in-transit checkpoint (as in tests/fixtures)."""
    when = occurred_at.isoformat().replace("+00:00", "Z")
    estimated = estimate.strftime("%Y-%m-%dT00:00:00Z") if estimate else None
    return json.dumps(
        {
            "object": "Event",
            "id": event_id,
            "description": "tracker.updated",
            "mode": "production",
            "updated_at": when,
            "result": {
                "object": "Tracker",
                "id": f"trk_{tracking_number}",
                "mode": "production",
                "tracking_code": tracking_number,
                "carrier": "UPS",
                "status": "in_transit",
                "status_detail": "arrived_at_facility",
                "est_delivery_date": estimated,
                "tracking_details": [
                    {
                        "object": "TrackingDetail",
                        "status": "in_transit",
                        "status_detail": "arrived_at_facility",
                        "message": f"Arrived at facility ({event_id})",
                        "datetime": when,
                        "source": "UPS",
                        "tracking_location": {
                            "city": "Cluj-Napoca",
                            "state": None,
                            "country": "RO",
                            "zip": None,
                        },
                    }
                ],
            },
        },
        separators=(",", ":"),
    ).encode()


class BodyWriter:
    """Files of signed bodies for signed_posts.lua, each body unique to this run."""

    def __init__(self, directory: Path, tracking_numbers: Sequence[str]) -> None:
        from tracking.carriers import easypost

        self.signature = easypost.signature
        self.directory = directory
        self.numbers = tracking_numbers
        self.run = datetime.now(tz=UTC).strftime("%Y%m%d%H%M%S")
        # Scans from a day ago up to now: never ahead of the clock, and later than any earlier run's.
        self.start = datetime.now(tz=UTC).replace(microsecond=0) - timedelta(days=1)
        self.serial = 0

    def bodies(self, count: int, *, estimate: bool) -> list[tuple[str, bytes]]:
        made = []
        for _ in range(count):
            self.serial += 1
            body = easypost_body(
                tracking_number=self.numbers[self.serial % len(self.numbers)],
                event_id=f"evt_bench_{self.run}_{self.serial}",
                occurred_at=self.start + timedelta(seconds=self.serial % 86000),
                # The carrier's estimate rarely moves from one scan to the next: one date per run.
                estimate=(self.start + timedelta(days=4)).date() if estimate else None,
            )
            made.append((self.signature(secret=SECRET, body=body), body))
        return made

    def write(self, name: str, signed: Sequence[tuple[str, bytes]]) -> Path:
        path = self.directory / f"{name}.txt"
        with path.open("wb") as out:
            for signature, body in signed:
                out.write(signature.encode() + b"\t" + body + b"\n")
        return path


def _post_load(url: str, path: Path, wrk_threads: int) -> harness.Load:
    return harness.Load(
        url=url,
        script=harness.WRK_SCRIPTS / "signed_posts.lua",
        script_args=(str(path), SIGNATURE_HEADER, str(wrk_threads)),
    )


def run(arguments: argparse.Namespace) -> int:
    harness.require_wrk()
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        print("Set DATABASE_URL (a Postgres bench database) and REDIS_URL.", file=sys.stderr)
        return 2
    environment = harness.bench_environment(database_url=database_url, redis_url=redis_url)
    if arguments.collectstatic:
        print("Collecting static files…", flush=True)
        harness.collectstatic(environment)
    _setup_django(environment)
    fixture = prepare(brand_slug=arguments.brand, shipments=arguments.shipments)
    from django.db import connection

    connection.close()

    scenarios = arguments.scenarios or list(SCENARIOS)
    print(
        f"gunicorn {arguments.workers} workers × {arguments.threads} threads"
        f"{' --preload' if arguments.preload else ''}, DEBUG off; wrk {arguments.connections} connections, "
        f"{arguments.wrk_threads} threads; {arguments.rounds} interleaved rounds of {arguments.duration:g} s; "
        f"brand {fixture.brand_slug} ({fixture.brand_shipments} shipments), "
        f"{len(fixture.tracking_numbers)} parcels receiving scans",
        flush=True,
    )
    comparisons = []
    common = {
        "rounds": arguments.rounds,
        "duration": arguments.duration,
        "connections": arguments.connections,
        "threads": arguments.wrk_threads,
        "progress": (lambda line: print(line, flush=True)) if arguments.verbose else (lambda line: None),
    }
    with (
        contextlib.ExitStack() as stack,
        tempfile.TemporaryDirectory(prefix="bench-web-") as scratch,
        harness.serve(
            environment=environment,
            workers=arguments.workers,
            threads=arguments.threads,
            preload=arguments.preload,
        ) as server,
    ):
        meter = harness.CpuMeter(server_pid=server.process.pid, database_url=database_url)
        stack.callback(meter.close)
        common["meter"] = meter
        writer = BodyWriter(Path(scratch), fixture.tracking_numbers)
        one_row = f"{server.url}/bench/one-row/{fixture.brand_slug}/"
        one_insert = f"{server.url}/bench/one-insert/"
        webhook = f"{server.url}/webhooks/easypost/{fixture.brand_slug}/"
        _check(server.url + fixture.page_path, expect=200)
        _check(one_row, expect=200)

        def get(url: str) -> Callable[[int], harness.Load]:
            return lambda _round: harness.Load(url=url, headers=BROWSER_HEADERS)

        def fresh(name: str, estimate: bool) -> Callable[[int], harness.Load]:
            per_round = int(BODIES_PER_SECOND * max(arguments.duration, 2))

            def make(round_index: int) -> harness.Load:
                path = writer.write(f"{name}-{round_index}", writer.bodies(per_round, estimate=estimate))
                return _post_load(webhook if name != "baseline" else one_insert, path, arguments.wrk_threads)

            return make

        for scenario in scenarios:
            print(f"… {scenario}", flush=True)
            if scenario == "page":
                product = get(server.url + fixture.page_path)
                baseline = get(one_row)
                names = ("one-row view", "tracking page")
            elif scenario in ("scan", "scan-no-estimate"):
                estimate = scenario == "scan"
                _check_post(webhook, writer.bodies(1, estimate=estimate)[0])
                product = fresh(scenario, estimate)
                baseline = fresh("baseline", estimate)
                names = ("one-INSERT view", "EasyPost webhook, new scan")
            else:
                replayed = writer.bodies(REPLAY_BODIES, estimate=True)
                for signed in replayed:
                    _check_post(webhook, signed)
                replay_load = _post_load(webhook, writer.write("replay", replayed), arguments.wrk_threads)

                def product(_round: int, load: harness.Load = replay_load) -> harness.Load:
                    return load

                baseline = fresh("baseline", True)
                names = ("one-INSERT view", "EasyPost webhook, replayed call")
            comparison = harness.compare(
                scenario=scenario,
                baseline=(names[0], baseline),
                product=(names[1], product),
                target=TARGETS[scenario],
                # A replay re-sends its bodies on purpose; a new-scan round must not have.
                product_replays=scenario == "replay",
                **common,
            )
            print(comparison.report(), flush=True)
            comparisons.append(comparison)

    print(
        "\n| scenario | baseline req/s (min–max) | product req/s (min–max) | ratio (per round) "
        "| CPU ms/request, baseline → product (web + Postgres) | CPU-time ratio | target |"
    )
    print("|---|---|---|---|---|---|---|")
    for comparison in comparisons:
        b, p = comparison.baseline, comparison.product
        pairs = comparison.pair_ratios
        cpu = f"{b.cpu_ms:.2f} → {p.cpu_ms:.2f}" if b.cpu_ms and p.cpu_ms else "—"
        cpu_ratio = f"{comparison.cpu_ratio:.3f}" if comparison.cpu_ratio else "—"
        print(
            f"| {comparison.scenario} | {b.median:.0f} ({min(b.rates):.0f}–{max(b.rates):.0f})"
            f" | {p.median:.0f} ({min(p.rates):.0f}–{max(p.rates):.0f})"
            f" | {comparison.ratio:.3f} ({min(pairs):.3f}–{max(pairs):.3f}) | {cpu} | {cpu_ratio}"
            f" | ≥ {comparison.target:.2f} |"
        )
    failed = [c.scenario for c in comparisons if c.baseline.errors or c.product.errors]
    if failed:
        print(f"\nErrors (non-2xx answers or socket errors) in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _check(url: str, *, expect: int) -> None:
    status, body = harness.fetch(url, headers={"User-Agent": "Mozilla/5.0 bench", "Accept-Language": "en"})
    if status != expect:
        raise SystemExit(
            f"GET {url} answered {status}, not {expect}:\n{body[:2000].decode(errors='replace')}"
        )


def _check_post(url: str, signed: tuple[str, bytes]) -> None:
    signature, body = signed
    status, answer = harness.fetch(
        url, data=body, headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature}
    )
    if not 200 <= status < 300:
        raise SystemExit(f"POST {url} answered {status}:\n{answer[:2000].decode(errors='replace')}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="scenario", help="any of: " + ", ".join(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round (default 5)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    parser.add_argument(
        "--no-preload", dest="preload", action="store_false", help="start gunicorn without --preload"
    )
    parser.add_argument(
        "--brand", default="auto", help="brand slug to measure (default: the biggest, else 'bench')"
    )
    parser.add_argument("--shipments", type=int, default=256, help="parcels that receive scans (default 256)")
    parser.add_argument(
        "--no-collectstatic",
        dest="collectstatic",
        action="store_false",
        help="serve the static files already collected in staticfiles/",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every round")
    arguments = parser.parse_args(argv)
    unknown = sorted(set(arguments.scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
