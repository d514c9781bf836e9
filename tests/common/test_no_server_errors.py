"""No input makes a page answer 5xx: every shopper route and every admin page, with hostile values.

The table below names every URL pattern outside the admin, the REST API and the webhooks (which have
their own sweeps); `test_every_shopper_route_is_in_the_table` keeps it complete. Each route is tried
with bad path values (other brand's tokens, garbage ids, NUL, traversal, oversized), odd query strings
(NUL, 100 KB and 2 MB values, invalid UTF-8 as raw bytes, repeated and garbage ids), hostile form
posts (NUL, oversized, garbage, repeated fields, unexpected files, raw invalid bytes, JSON) and the
methods it does not take, on our host and, for the shopper roots, on the brand's own domain. Every
answer must be below 500, and an answer of 400 or more must have written nothing.

The admin sweep opens every registered ModelAdmin's changelist (odd orderings, pages, searches, list
filter values, date drill-downs, unknown parameters), add page and change, history and delete pages
(a seeded row, the other brand's row, garbage ids) as a superuser and as each brand role.

Run alone (`-p no:xdist`), the module prints how many requests it sent.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from brands.models import Role
from tests import factories
from tests.returns.conftest import deliver

pytestmark = pytest.mark.django_db

HOST: Final = "track.casaverde.example"
K100: Final = "x" * 100_000
M2: Final = "y" * 2_000_000
# Values that are not what a route expects: garbage ids, NUL, traversal.
GARBAGE: Final = ("-1", "99999999999999999999", "1e9", "%00", "../")
# As path segments, quoted as a browser would (".." goes raw).
PATH_GARBAGE: Final = (
    "99999999999999999999",
    "1e9",
    "%00",
    "a%00b",
    "..%2F..",
    "%FF%FE",
    "A" * 5000,
)
# Every query parameter a shopper page reads.
QUERY_NAMES: Final = (
    "lang",
    "q",
    "t",
    "sms",
    "points",
    "reason",
    "feedback",
    "problem",
    "sent",
    "voted",
    "next",
)
# Raw bytes as the WSGI server hands them over (latin-1 decoded): invalid UTF-8, overlong, surrogate.
RAW_QUERY: Final = "lang=\xff\xfe&q=\xc3\x28&t=\xed\xa0\x80&reason=\xc0\xaf&sms=%FF%00&next=\xe2\x82"
# Outside this sweep: the admin, the REST API (and its schema pages) and the provider webhooks; and
# the uploaded files Django serves itself when DEBUG was on as the URLs were loaded.
SWEPT_ELSEWHERE: Final = ("admin/", "api/", "^api/", "webhooks/", "^media/")
# Tables that change on a good request but are not domain writes.
NOT_WRITES: Final = frozenset({"django_session"})


@dataclass(frozen=True)
class World:
    """One brand's seeded pages and another brand's, for cross-tenant tokens."""

    slug: str
    kwargs: dict[str, Any]  # a valid value for each URL parameter name, per route
    other: dict[str, Any]


@dataclass(frozen=True)
class Route:
    name: str
    methods: tuple[str, ...]  # what the view answers besides OPTIONS
    form: Callable[[dict[str, Any]], dict[str, Any]] = lambda kwargs: {}
    params: tuple[str, ...] = ()  # which URL parameters it takes besides brand_slug
    custom_domain: bool = False  # a shopper root, also served on the brand's own host


def _seed(brand: Any, *, number: str) -> dict[str, Any]:
    """An order delivered two days ago with a return, an NPS request, a case, a referral code, a help
    centre, a content block and a product link: every kind of token a shopper page takes."""
    from feedback import services as feedback_services
    from loyalty import services as loyalty_services
    from loyalty.models import LoyaltyProgramme
    from offers.models import ContentBlock, OffersSettings
    from returns import links
    from returns import services as return_services
    from returns import views as return_views
    from support import services as support_services
    from support.models import FaqArticle

    customer: Any = factories.CustomerFactory(brand=brand, email=f"shopper{number}@example.com", locale="en")
    product: Any = factories.ProductFactory(
        brand=brand, category="apparel", price=Decimal("40.00"), currency="RON"
    )
    order: Any = factories.OrderFactory(brand=brand, customer=customer, number=number, currency="RON")
    line: Any = factories.OrderLineFactory(
        order=order, product=product, quantity=2, unit_price=Decimal("40.00")
    )
    shipment = deliver(brand=brand, order=order, at=timezone.now() - timedelta(days=2))
    return_services.policy_settings_set(brand=brand, currency="RON")
    return_services.rule_set(brand=brand, window_days=30)
    return_services.reasons_ensure_defaults(brand=brand)
    reason = brand.return_reasons.filter(active=True).order_by("id").first()
    ret = return_services.return_request(
        brand=brand,
        order_id=order.id,
        lines=[return_services.RequestedLine(order_line_id=line.id, quantity=1)],
        reason_id=reason.id,
        resolution="refund",
    )
    nps = feedback_services.nps_request_send(
        brand=brand, order_id=order.id, customer_id=customer.id, delivered_on=timezone.localdate()
    )
    case, _ = support_services.case_open(
        brand=brand,
        data=support_services.CaseInput(
            kind="question",
            subject="Where is it?",
            body="Not here yet.",
            order_id=order.id,
            customer_id=customer.id,
        ),
    )
    support_services.help_centre_starter_install(brand=brand)
    LoyaltyProgramme.objects.create(
        brand=brand,
        currency="RON",
        points_per_unit=Decimal("1"),
        point_value=Decimal("0.05"),
        redeem_step=100,
    )
    OffersSettings.objects.create(
        brand=brand, store_hosts=["shop.example"], product_url_template="https://shop.example/p/{sku}"
    )
    block = ContentBlock.objects.create(
        brand=brand, kind="banner", title="Care", locale="en", link_url="https://shop.example/care"
    )
    assert nps is not None
    return {
        "token": order.tracking_token,
        "order_token": links.order_token(brand_id=brand.id, order_id=order.id),
        "return_token": ret.token,
        "nps_token": nps.token,
        "case_token": case.token,
        "code": loyalty_services.account_ensure(customer_id=customer.id).referral_code,
        "article_id": FaqArticle.objects.filter(brand=brand, published=True).order_by("id")[0].id,
        "block_id": block.id,
        "product_id": product.id,
        "shipment_id": shipment.id,
        "line_id": line.id,
        "reason_id": reason.id,
        # The signed choice of step one, so that step two's own checks are what the sweep meets.
        "state": return_views._state_sign(order_id=order.id, lines=[(line.id, 1)], reason_id=reason.id),
    }


@pytest.fixture
def world(brand: Any, other_brand: Any, settings: Any) -> World:
    settings.RATELIMIT_ENABLE = False  # every post reaches the view; the limits have their own tests
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    brand.custom_domain = HOST
    brand.save(update_fields=["custom_domain"])
    return World(slug=brand.slug, kwargs=_seed(brand, number="1001"), other=_seed(other_brand, number="2001"))


def _shipment(k: dict[str, Any]) -> dict[str, Any]:
    return {"shipment": k["shipment_id"]}


ROUTES: Final = (
    Route("healthz", ("GET", "HEAD", "POST", "PUT", "DELETE")),
    Route("readyz", ("GET", "HEAD", "POST", "PUT", "DELETE")),
    Route("set_language", ("POST",), form=lambda k: {"language": "ro", "next": "/"}),
    Route(
        "tracking-lookup",
        ("GET", "HEAD", "POST"),
        form=lambda k: {"number": "1001", "contact": "010011"},
        custom_domain=True,
    ),
    Route("tracking-page", ("GET", "HEAD"), params=("token",), custom_domain=True),
    Route(
        "tracking-sms-optin",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {"phone": "+40721234567", "consent": "on"},
    ),
    Route(
        "tracking-sms-confirm",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {"code": "123456"},
    ),
    Route(
        "loyalty-redeem", ("POST",), params=("token",), custom_domain=True, form=lambda k: {"points": "100"}
    ),
    Route(
        "loyalty-identity-code",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {"email": "a@b.c"},
    ),
    Route(
        "loyalty-identity-confirm",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {"code": "123456"},
    ),
    Route(
        "feedback-rate",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {**_shipment(k), "score": "5", "comment": "ok", "lang": "en"},
    ),
    Route(
        "feedback-problem",
        ("POST",),
        params=("token",),
        custom_domain=True,
        form=lambda k: {
            **_shipment(k),
            "topic": "damaged",
            "description": "torn",
            "website": "",
            "lang": "en",
        },
    ),
    Route(
        "feedback-nps",
        ("GET", "HEAD", "POST"),
        params=("nps_token",),
        form=lambda k: {"score": "9", "comment": "ok"},
    ),
    Route(
        "referral-landing",
        ("GET", "HEAD", "POST"),
        params=("code",),
        form=lambda k: {"email": "friend@example.com"},
    ),
    Route("offers-go", ("GET", "HEAD"), params=("block_id",)),
    Route("offers-product", ("GET", "HEAD"), params=("product_id",)),
    Route(
        "returns-lookup",
        ("GET", "HEAD", "POST"),
        custom_domain=True,
        form=lambda k: {"number": "1001", "email": "shopper1001@example.com"},
    ),
    Route(
        "returns-start",
        ("GET", "HEAD", "POST"),
        params=("order_token",),
        custom_domain=True,
        form=lambda k: {"line": str(k["line_id"]), f"qty_{k['line_id']}": "1", "reason": str(k["reason_id"])},
    ),
    Route(
        "returns-confirm",
        ("POST",),
        params=("order_token",),
        custom_domain=True,
        form=lambda k: {"state": k["state"], "resolution": "refund", "comment": "c"},
    ),
    Route("returns-detail", ("GET", "HEAD"), params=("return_token",), custom_domain=True),
    Route("returns-slip", ("GET", "HEAD"), params=("return_token",), custom_domain=True),
    Route("returns-policy", ("GET", "HEAD"), custom_domain=True),
    Route("support-home", ("GET", "HEAD"), custom_domain=True),
    Route("support-article", ("GET", "HEAD"), params=("article_id",), custom_domain=True),
    Route(
        "support-article-vote",
        ("POST",),
        params=("article_id",),
        custom_domain=True,
        form=lambda k: {"helpful": "1"},
    ),
    Route(
        "support-ask",
        ("GET", "HEAD", "POST"),
        custom_domain=True,
        form=lambda k: {
            "name": "Ana",
            "email": "ana@example.com",
            "subject": "Hi",
            "message": "Where?",
            "website": "",
            "tracking": k["token"],
        },
    ),
    Route(
        "support-case",
        ("GET", "HEAD", "POST"),
        params=("case_token",),
        custom_domain=True,
        form=lambda k: {"message": "Thanks"},
    ),
    Route("support-case-confirm", ("GET",), params=("case_token", "confirm_code"), custom_domain=True),
)
# The URL parameter each seeded value fills, per route.
URL_PARAM: Final = {
    "nps_token": "token",
    "return_token": "token",
    "case_token": "token",
    "confirm_code": "code",
    "token": "token",
    "order_token": "order_token",
    "code": "code",
    "block_id": "block_id",
    "product_id": "product_id",
    "article_id": "article_id",
}
SENTINEL_INT: Final = 987654321
ON_CUSTOM_DOMAIN: Final = frozenset(
    {
        "NUL in every parameter",
        "raw invalid UTF-8 query",
        "good form",
        "NUL in every field",
        "raw invalid UTF-8 body",
    }
)
# Routes whose good answer to a GET is a redirect (or, for the confirmation link, a 404 without the
# code that only the email holds).
REDIRECTS: Final = frozenset({"offers-go", "offers-product"})
NOT_FOUND_WITHOUT_SECRET: Final = frozenset({"support-case-confirm"})


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def test_every_shopper_route_is_in_the_table() -> None:
    routed = {
        name or route
        for route, name in _patterns(get_resolver("postpurchase.urls"))
        if not route.startswith(SWEPT_ELSEWHERE)
    }
    assert routed == {route.name for route in ROUTES}


# --- the sweep ---------------------------------------------------------------------------------------


def _fingerprint() -> tuple[Any, ...]:
    """Rows inserted, updated and deleted so far in this test's transaction, per table of ours."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND NOT relname = ANY(%s) ORDER BY relname",
            [list(NOT_WRITES)],
        )
        return tuple(cursor.fetchall())


@dataclass
class Sweep:
    client: Client
    failures: list[str] = field(default_factory=list)
    tried: int = 0
    last: tuple[Any, ...] | None = None

    def send(
        self,
        label: str,
        method: str,
        path: str,
        *,
        refuse: bool = False,
        expect: int | None = None,
        **kwargs: Any,
    ) -> None:
        before = self.last if self.last is not None else _fingerprint()
        self.last = None
        self.tried += 1
        try:
            # Raw bodies go through `generic`, which sends the bytes as they are.
            raw = method in {"PUT", "DELETE", "OPTIONS"} or isinstance(kwargs.get("data"), bytes)
            sender = self.client.generic if raw else getattr(self.client, method.lower())
            response = sender(method, path, **kwargs) if raw else sender(path, **kwargs)
        except Exception as error:  # a raised exception is the 500 we are looking for
            self.failures.append(
                f"{label} {method} {path[:120]!r}: raised {error.__class__.__name__}: {error}"[:400]
            )
            return
        status = response.status_code
        if status >= 500:
            self.failures.append(f"{label} {method} {path[:120]!r}: {status}")
        if expect is not None and status != expect:
            self.failures.append(f"{label} {method} {path[:120]!r}: {status}, expected {expect}")
        if refuse or status >= 400:
            self.last = _fingerprint()  # nothing writes between two requests: the next one's "before"
            if self.last != before:
                self.failures.append(f"{label} {method} {path[:120]!r}: {status} but rows were written")


def _url(route: Route, world: World, values: dict[str, str] | None = None, *, slug: str = "") -> str:
    """The route's path, with `values` put into its parameters as raw path text."""
    placeholders: dict[str, Any] = {}
    raw: dict[str, str] = {}
    for index, param in enumerate(route.params):
        name = URL_PARAM[param]
        value = world.kwargs[param] if param != "confirm_code" else "not-a-code"
        placeholder = SENTINEL_INT + index if isinstance(value, int) else f"PLACEHOLDER{index}"
        placeholders[name] = placeholder
        raw[str(placeholder)] = str((values or {}).get(param, quote(str(value), safe="")))
    if route.name not in {"healthz", "readyz", "set_language"}:
        placeholders["brand_slug"] = slug or world.slug
    path = reverse(route.name, kwargs=placeholders or None)
    for placeholder, value in raw.items():
        path = path.replace(placeholder, value)
    return path


def _on_custom_domain(path: str, world: World) -> str:
    return path.removeprefix(f"/{world.slug}")


def _bad_forms(route: Route, world: World) -> Iterator[tuple[str, dict[str, Any]]]:
    good = {key: str(value) for key, value in route.form(world.kwargs).items()}
    names = [*good, "csrfmiddlewaretoken"]
    yield "good form", {"data": good}
    yield "empty form", {"data": {}}
    yield "NUL in every field", {"data": {name: "a\x00b" for name in names}}
    yield "NUL alone in every field", {"data": {name: "\x00" for name in names}}
    yield "100 KB in every field", {"data": {name: K100 for name in good}}
    yield "2 MB in one field", {"data": {**good, next(iter(good), "x"): M2}}
    for value in GARBAGE:
        yield f"garbage {value!r} in every field", {"data": {name: value for name in good}}
    yield (
        "repeated fields",
        {"data": {name: [value, "-1", "\x00", "99999999999999999999"] for name, value in good.items()}},
    )
    yield (
        "files where text is expected",
        {
            "data": {
                **{name: SimpleUploadedFile(f"{name}.bin", b"\x00\xff" * 100) for name in good},
                "unexpected": SimpleUploadedFile("evil.php", b"<?php ?>", content_type="application/x-php"),
                "photos": SimpleUploadedFile("../../etc/passwd", b"\x00" * 1000, content_type="image/png"),
            }
        },
    )
    yield (
        "an extra unexpected file",
        {
            "data": {
                **good,
                "upload": SimpleUploadedFile("a\x00b.txt", b"x" * 1000, content_type="text/plain"),
            }
        },
    )
    yield (
        "raw invalid UTF-8 body",
        {
            "data": b"&".join(name.encode() + b"=\xff\xfe\xc3\x28%FF%00" for name in names),
            "content_type": "application/x-www-form-urlencoded",
        },
    )
    yield (
        "raw invalid UTF-8 charset",
        {
            "data": "&".join(f"{name}=%FF" for name in good).encode(),
            "content_type": "application/x-www-form-urlencoded; charset=not-a-charset",
        },
    )
    # "²" and "٣" are digits to str.isdigit() and not to int().
    yield "non-ASCII digits as Content-Length", {"data": good, "CONTENT_LENGTH": "\u00b2"}
    yield "JSON body", {"data": b'{"number": {"$ne": null}}', "content_type": "application/json"}
    yield (
        "broken multipart",
        {
            "data": b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n\x00',
            "content_type": "multipart/form-data; boundary=x",
        },
    )
    yield "multipart without boundary", {"data": b"whatever", "content_type": "multipart/form-data"}


def _bad_queries() -> Iterator[tuple[str, dict[str, Any]]]:
    yield "NUL in every parameter", {"data": {name: "a\x00b" for name in QUERY_NAMES}}
    yield "100 KB in every parameter", {"data": {name: K100[:20_000] for name in QUERY_NAMES} | {"q": K100}}
    yield "2 MB parameter", {"QUERY_STRING": f"q={M2}&lang={M2[:1000]}"}
    yield "repeated parameters", {"data": {name: ["en", "\x00", "-1", K100[:300]] for name in QUERY_NAMES}}
    for value in GARBAGE:
        yield f"garbage {value!r} in every parameter", {"data": {name: value for name in QUERY_NAMES}}
    yield "raw invalid UTF-8 query", {"QUERY_STRING": RAW_QUERY}
    yield "odd search queries", {"data": {"q": "%' OR 1=1 -- \\ & | ! : * ( ) <script> ' \" ~ ^"}}
    yield "search operators only", {"data": {"q": "!&|():*"}}
    yield (
        "hostile cookies",
        {"headers": {"Cookie": "django_language=\x00; help_voted=-1.99999999999999999999.\x00"}},
    )
    yield (
        "hostile headers",
        {
            "headers": {
                "Accept-Language": "\x00;q=x, " + "zz-" * 1000,
                "User-Agent": "\x00" * 1000,
                "X-Forwarded-For": "not-an-ip, \x00, 999.999.999.999",
                "Sec-Purpose": "\x00",
            }
        },
    )


def _sweep(route: Route, world: World, sweep: Sweep, *, host: str = "") -> None:
    headers = {"Host": host} if host else {}
    local = _on_custom_domain if host else (lambda path, world: path)

    def send(label: str, method: str, path: str, **kwargs: Any) -> None:
        given_headers = kwargs.pop("headers", {})
        sweep.send(
            f"{route.name}{' @' + host if host else ''}: {label}",
            method,
            local(path, world),
            headers={**headers, **given_headers},
            **kwargs,
        )

    url = _url(route, world)
    if route.methods[0] == "GET":
        # The seeded page itself answers: the sweep below is about pages that exist.
        send(
            "the page",
            "GET",
            url,
            expect=302 if route.name in REDIRECTS else 404 if route.name in NOT_FOUND_WITHOUT_SECRET else 200,
        )
    for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"):
        send("plain", method, url)
    # Bad path values, in each parameter, and the other brand's tokens under this brand.
    for param in route.params:
        for value in (*PATH_GARBAGE, quote(str(world.other.get(param, "x")), safe="")):
            for method in route.methods[:1] + (("POST",) if "POST" in route.methods[1:] else ()):
                send(
                    f"{param}={value[:20]!r}",
                    method,
                    _url(route, world, {param: value}),
                    refuse=method == "POST",
                    data=route.form(world.kwargs) if method == "POST" else None,
                )
    if route.params or route.name not in {"healthz", "readyz", "set_language"}:
        send("unknown brand", route.methods[0], _url(route, world, slug="no-such-brand"))
        if not host:
            other_url = _url(
                route,
                world,
                {p: quote(str(world.other[p]), safe="") for p in route.params if p in world.other},
                slug="northwind",
            )
            send("the other brand's own page", route.methods[0], other_url)
    # On the brand's own host the same views answer: the routing is what is tried there.
    for label, kwargs in _bad_queries():
        if not host or label in ON_CUSTOM_DOMAIN:
            send(label, route.methods[0], url, **kwargs)
    if "POST" in route.methods:
        for label, kwargs in _bad_forms(route, world):
            if not host or label in ON_CUSTOM_DOMAIN:
                send(label, "POST", url + "?lang=en", **kwargs)


def _group(route: Route) -> str:
    prefix = route.name.split("-")[0]
    return prefix if prefix in {"tracking", "loyalty", "feedback", "returns", "support"} else "other"


# One seeded world per group of routes: seeding is most of a request's cost, many times over.
ROUTE_GROUPS: Final = {
    group: [route for route in ROUTES if _group(route) == group] for group in map(_group, ROUTES)
}


def _sweep_route(route: Route, world: World) -> Sweep:
    sweep = Sweep(client=Client())
    _sweep(route, world, sweep)
    if route.custom_domain:
        _sweep(route, world, sweep, host=HOST)
    # Without the CSRF token a post is refused with 403 and writes nothing.
    if "POST" in route.methods:
        strict = Sweep(client=Client(enforce_csrf_checks=True))
        good = route.form(world.kwargs)
        strict.send(
            f"{route.name}: no CSRF token", "POST", _url(route, world), refuse=True, expect=403, data=good
        )
        strict.send(
            f"{route.name}: NUL CSRF token",
            "POST",
            _url(route, world),
            refuse=True,
            expect=403,
            data={**good, "csrfmiddlewaretoken": "\x00"},
            headers={"Cookie": "csrftoken=\x00" + "a" * 63},
        )
        sweep.failures += strict.failures
        sweep.tried += strict.tried
    return sweep


@pytest.mark.parametrize("group", ROUTE_GROUPS)
def test_no_input_makes_a_shopper_route_fail(group: str, world: World) -> None:
    failures: list[str] = []
    for route in ROUTE_GROUPS[group]:
        sweep = _sweep_route(route, world)
        TRIED[route.name] = sweep.tried
        failures += sweep.failures
    assert not failures, f"{len(failures)} failed:\n" + "\n".join(failures)


TRIED: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_count(pytestconfig: Any) -> Iterator[None]:
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and TRIED:
        shopper = sum(count for name, count in TRIED.items() if not name.startswith("admin"))
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nno-server-errors sweep: {sum(TRIED.values())} requests "
                f"({shopper} to shopper routes, {sum(TRIED.values()) - shopper} to the admin)"
            )


def test_a_return_link_with_nul_is_a_404_not_a_500(client: Any, world: World) -> None:
    """Postgres refuses NUL in a string literal: the confirmation and the slip used to answer 500."""
    for path in (f"/{world.slug}/returns/r/a%00b/", f"/{world.slug}/returns/r/%00/slip.pdf"):
        assert client.get(path).status_code == 404, path


def test_ids_beyond_a_bigint_in_a_path_are_a_404(client: Any, world: World) -> None:
    for path in (
        f"/{world.slug}/help/a/99999999999999999999/",
        f"/{world.slug}/help/a/99999999999999999999/vote/",
        f"/{world.slug}/go/99999999999999999999/",
        f"/{world.slug}/go/p/99999999999999999999/",
    ):
        assert client.get(path).status_code in {404, 405}, path


# --- the admin --------------------------------------------------------------------------------------

ADMIN_ODD_QUERIES: Final = (
    "o=-1.abc.2",
    "q=a%00b",
    f"q={'z' * 100_000}",
    "p=999999",
    "no_such_filter=1",
    "e=1",
    "_popup=1&_to_field=password",
    "id__in=%00",
    "brand__id__exact=%C2%B2",
)
GARBAGE_IDS: Final = ("%00", "%C2%B2", "99999999999999999999", "..%2F..")


def _filter_params(model_admin: Any, request: Any) -> list[str]:
    """The query parameter of each list filter: a custom filter's own name, a field's lookup."""
    from django.contrib.admin.utils import get_fields_from_path

    names: list[str] = []
    for entry in model_admin.get_list_filter(request):
        spec = entry[0] if isinstance(entry, tuple) else entry
        if isinstance(spec, str):
            relation = get_fields_from_path(model_admin.model, spec)[-1].is_relation
            names.append(f"{spec}__id__exact" if relation else f"{spec}__exact")
        else:
            names.append(spec.parameter_name)
    return names


def _date_field(model: Any) -> str | None:
    from django.db import models

    return next(
        (f.name for f in model._meta.get_fields() if isinstance(f, models.DateField | models.DateTimeField)),
        None,
    )


def _brand_objects(model: Any, brand: Any, other_brand: Any) -> tuple[Any, Any]:
    """The first row of `model` that belongs to each brand (or any first row when it has no brand)."""
    from brands.admin_scope import brand_lookup

    lookup = brand_lookup(model)
    rows = model._default_manager.order_by("pk")
    if lookup is None:
        return rows.first(), None
    return rows.filter(**{lookup: brand.id}).first(), rows.filter(**{lookup: other_brand.id}).first()


# The superuser meets every odd query, one app at a time; each brand role gets a few on every model
# (the odd queries meet the same code whoever asks; what a role changes is the scope and the rights).
ADMIN_APPS: Final = sorted({model._meta.app_label for model in admin.site._registry})
ADMIN_CASES: Final = [
    ("superuser", " ".join(ADMIN_APPS[::2])),
    ("superuser", " ".join(ADMIN_APPS[1::2])),
    *((role, "") for role in Role.values),
]


@pytest.mark.parametrize(
    ("who", "app"), ADMIN_CASES, ids=[f"{who}-{app.replace(' ', '+') or 'all'}" for who, app in ADMIN_CASES]
)
def test_no_query_makes_an_admin_page_fail(
    who: str, app: str, world: World, brand: Any, other_brand: Any, staff_of: Any
) -> None:

    user: Any = (
        factories.UserFactory(username="root", is_superuser=True, is_staff=True)
        if who == "superuser"
        else staff_of(brand, who)
    )
    client = Client()
    client.force_login(user)
    sweep = Sweep(client=client)
    request = RequestFactory().get("/admin/")
    request.user = user
    full = who == "superuser"
    for model, model_admin in admin.site._registry.items():
        if app and model._meta.app_label not in app.split():
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        label = f"{who} {model._meta.label}"
        changelist = reverse(f"{info}_changelist")
        queries = list(ADMIN_ODD_QUERIES if full else ("o=99&p=999999&q=%C2%B2",))
        if full and model_admin.date_hierarchy:
            field_name = model_admin.date_hierarchy
            queries += [
                f"{field_name}__year=0",
                f"{field_name}__year=99999&{field_name}__month=13&{field_name}__day=32",
            ]
        if full and (date_field := _date_field(model)) is not None:
            queries += [f"{date_field}__gte=notadate", f"{date_field}__lt=%00"]
        for param in _filter_params(model_admin, request)[: None if full else 1]:
            queries += [f"{param}=%00", f"{param}=99999999999999999999"] if full else [f"{param}=%00"]
        sweep.send(f"{label} changelist", "GET", changelist)
        for query in queries:
            sweep.send(f"{label} changelist ?{query[:40]}", "GET", f"{changelist}?{query}")
        if not _has_object_pages(info):
            continue  # a one-page admin (the staff member's own settings): its list was swept above
        sweep.send(f"{label} add", "GET", reverse(f"{info}_add"))
        own, other = _brand_objects(model, brand, other_brand)
        ids = [str(obj.pk) for obj in (own, other) if obj is not None] + list(
            GARBAGE_IDS if full else GARBAGE_IDS[:2]
        )
        for object_id in ids:
            sweep.send(
                f"{label} change {object_id[:20]}",
                "GET",
                reverse(f"{info}_change", args=["ID"]).replace("ID", object_id),
            )
            if full and object_id == ids[0]:
                for view in ("history", "delete"):
                    sweep.send(
                        f"{label} {view} {object_id[:20]}",
                        "GET",
                        reverse(f"{info}_{view}", args=["ID"]).replace("ID", object_id),
                    )
    TRIED[f"admin as {who} {app}"] = sweep.tried
    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.tried} failed:\n" + "\n".join(sweep.failures)


def _has_object_pages(info: str) -> bool:
    try:
        reverse(f"{info}_add")
    except NoReverseMatch:
        return False
    return True


def test_an_admin_filter_or_search_with_nul_is_refused_with_400(client: Any, world: World) -> None:
    """Postgres refuses NUL in a string literal: a choice filter used to pass it on and answer 500."""
    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    for query in ("currency__exact=%00", "status__exact=a%00b", "q=%00", "%00=1"):
        path = f"/admin/orders/order/?{query}" if "status" not in query else f"/admin/returns/return/?{query}"
        response = client.get(path)
        assert response.status_code == 400, path
        assert b"NUL character" in response.content


def test_digits_that_are_not_ascii_are_no_id(client: Any, world: World) -> None:
    """'²'.isdigit() is true and int('²') fails: such an id is no id, not a 500."""

    client.force_login(factories.UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/admin/feedback/deliveryrating/?brand__id__exact=%C2%B2").status_code < 500
    assert (
        client.get("/admin/support/case/%C2%B2/change/").status_code == 302
    )  # "no such case", as Django says
    order_token = world.kwargs["order_token"]
    response = client.post(
        f"/{world.slug}/returns/o/{order_token}/confirm/", {"state": "x"}, CONTENT_LENGTH="\u00b2"
    )
    assert response.status_code == 400


def test_the_write_detector_sees_inserts_and_updates(client: Any, world: World) -> None:
    """The 'wrote nothing' check is only as good as what it sees: a new case, a counted click."""
    before = _fingerprint()
    response = client.post(
        f"/{world.slug}/help/ask/",
        {"name": "Ana", "email": "ana@example.com", "subject": "Hi", "message": "Where?", "website": ""},
    )
    assert response.status_code == 200
    after_insert = _fingerprint()
    assert after_insert != before
    assert client.get(f"/{world.slug}/go/{world.kwargs['block_id']}/").status_code == 302
    assert _fingerprint() != after_insert
