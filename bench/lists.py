"""Admin and API lists at 10³, 10⁵ and 10⁶ shipments: median of 5 interleaved rounds, and the ratio to 10³.

    .venv/bin/python -m bench.lists                       # sizes 1000,100000,1000000
    BENCH_SIZES=1000,100000 .venv/bin/python -m bench.lists      (BENCH_ROUNDS=5, BENCH_WARM=2 by default)

Each size has its own database, postpurchase_bench_1e3, _1e5, _1e6 (BENCH_DB_URL names the server),
filled by bench.datagen (three brands sharing the shipments) when it holds no bench brand yet, and
migrated first. Timed in-process with Django's test client, DEBUG off, no Redis (each round is a fresh
process, so no cache is shared between databases): the admin's shipments and orders lists as the owner of
one brand and as a superuser, and the API's shipments and orders lists, first page and a deep page
(90 % of the way through the brand's rows: by cursor when the API has cursor pages, by offset when it
has not). Each round is one process per size, sizes interleaved; each process warms every page twice,
then times each once.

BENCH_CODE=/path/to/checkout runs the pages of another checkout of the product against the same
databases (without migrating them): the "before" figures.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCENARIOS = (
    "admin shipments, owner",
    "admin shipments, superuser",
    "admin orders, owner",
    "admin orders, superuser",
    "api shipments, first page",
    "api shipments, deep page",
    "api orders, first page",
    "api orders, deep page",
)
HERE = Path(__file__).resolve()


def _label(size: int) -> str:
    exponent = len(str(size)) - 1
    return f"1e{exponent}" if size == 10**exponent else str(size)


def _database_url(size: int) -> str:
    server = os.environ.get("BENCH_DB_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{server}/postpurchase_bench_{_label(size)}"


def _deep_query(model: Any, brand: Any, field: str, depth: int) -> dict[str, str]:
    """The query string of the page DEPTH rows into the brand's list: a cursor if the API has them."""
    try:
        from common.api import encode_cursor
    except ImportError:
        return {"offset": str(depth), "limit": "100"}
    key, row_id = (
        model.objects.filter(brand=brand).order_by(f"-{field}", "-id").values_list(field, "id")[depth]
    )
    return {"cursor": encode_cursor(key=key, row_id=row_id), "limit": "100"}


def child(size: int, migrate: bool) -> None:
    """One round for one size: warm every page twice, time each once, print {scenario: ms} as JSON."""
    os.environ["DATABASE_URL"] = _database_url(size)
    os.environ["DEBUG"] = "0"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from brands.models import Brand, Role
    from brands.services import api_key_create, membership_grant
    from orders.models import Order
    from tracking.models import Shipment

    setup_test_environment()
    if migrate:
        call_command("migrate", verbosity=0)
    brand = Brand.objects.filter(slug="bench-1").first()
    if brand is None:
        from bench.datagen import generate

        generate(shipments=size, brands=3)
        brand = Brand.objects.get(slug="bench-1")
    users = get_user_model().objects
    owner, _ = users.get_or_create(username="bench-owner", defaults={"is_staff": True})
    membership_grant(user_id=owner.id, brand=brand, role=Role.OWNER)
    root, _ = users.get_or_create(username="bench-root", defaults={"is_staff": True, "is_superuser": True})
    as_owner, as_root = Client(), Client()
    as_owner.force_login(owner)
    as_root.force_login(root)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {api_key_create(brand=brand, name='bench').raw_key}")
    shipments = Shipment.objects.filter(brand=brand).count()
    orders = Order.objects.filter(brand=brand).count()
    deep_shipments = _deep_query(Shipment, brand, "created_at", max(0, int(shipments * 0.9) - 100))
    deep_orders = _deep_query(Order, brand, "placed_at", max(0, int(orders * 0.9) - 100))
    pages: dict[str, tuple[Client, str, dict[str, str]]] = {
        "admin shipments, owner": (as_owner, "/admin/tracking/shipment/", {}),
        "admin shipments, superuser": (as_root, "/admin/tracking/shipment/", {}),
        "admin orders, owner": (as_owner, "/admin/orders/order/", {}),
        "admin orders, superuser": (as_root, "/admin/orders/order/", {}),
        "api shipments, first page": (api, "/api/v1/shipments/", {"limit": "100"}),
        "api shipments, deep page": (api, "/api/v1/shipments/", deep_shipments),
        "api orders, first page": (api, "/api/v1/orders/", {"limit": "100"}),
        "api orders, deep page": (api, "/api/v1/orders/", deep_orders),
    }
    timings: dict[str, float] = {}
    for _ in range(int(os.environ.get("BENCH_WARM", "2"))):
        for client, url, params in pages.values():
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
    for name, (client, url, params) in pages.items():
        began = time.perf_counter()
        response = client.get(url, params)
        timings[name] = 1000 * (time.perf_counter() - began)
        assert response.status_code == 200, (url, response.status_code)
    print(json.dumps({"timings": timings, "shipments": Shipment.objects.count()}))


def main() -> None:
    if "--child" in sys.argv:
        child(int(sys.argv[sys.argv.index("--child") + 1]), migrate="--no-migrate" not in sys.argv)
        return
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,100000,1000000").split(",")]
    code = os.environ.get("BENCH_CODE")
    env = dict(os.environ)
    command = [sys.executable, str(HERE), "--child"]
    if code:
        # Another checkout's pages: its modules first on the path; its databases left as they are.
        env["PYTHONPATH"] = os.pathsep.join([code, str(HERE.parent.parent)])
    results: dict[int, dict[str, list[float]]] = {size: {name: [] for name in SCENARIOS} for size in sizes}
    counted: dict[int, int] = {}
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    for round_number in range(rounds):
        for size in sizes:
            arguments = [*command, str(size)] + (["--no-migrate"] if code else [])
            done = subprocess.run(arguments, env=env, capture_output=True, text=True, cwd=code or None)
            if done.returncode != 0:
                sys.exit(f"round {round_number + 1} at {size} failed:\n{done.stderr[-3000:]}")
            answer = json.loads(done.stdout.strip().splitlines()[-1])
            counted[size] = answer["shipments"]
            for name, ms in answer["timings"].items():
                results[size][name].append(ms)
            timings = ", ".join(f"{name} {ms:.0f}" for name, ms in answer["timings"].items())
            print(f"round {round_number + 1}, {size}: {timings}", file=sys.stderr, flush=True)
    base = sizes[0]
    print(f"{'list':<28}" + "".join(f"{f'{counted[size]:,} shipments':>26}" for size in sizes))
    for name in SCENARIOS:
        row = f"{name:<28}"
        for size in sizes:
            median = statistics.median(results[size][name])
            spread = max(results[size][name]) - min(results[size][name])
            ratio = median / statistics.median(results[base][name])
            row += f"{median:>9.1f} ms ±{spread:>5.1f} ×{ratio:>5.2f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
