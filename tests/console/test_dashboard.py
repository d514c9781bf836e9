"""The console dashboard: figures against the previous period, links to the rows behind them, roles,
brands, the CSV export, and a query count that does not grow with the data."""

import csv
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.dashboard import populate
from brands.models import Role
from feedback.models import DeliveryRating, NpsRequest
from notifications.models import Notification
from returns.models import Return, ReturnLine, ReturnReason
from support.models import Case
from tests import factories
from tracking.models import Shipment, TrackingPageView

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Europe/Bucharest")
PERIOD = "range=custom&from=2026-11-01&to=2026-11-30"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZONE)


class World:
    """One brand's month (November 2026) and the month before, with every kind of figure."""

    def __init__(self, brand: Any) -> None:
        self.brand = brand
        self.orders = [factories.OrderFactory(brand=brand, placed_at=at(11, 4)) for _ in range(4)]
        self.old_order = factories.OrderFactory(brand=brand, placed_at=at(10, 9))
        self.products = [factories.ProductFactory(brand=brand, title=t) for t in ("Linen shirt", "Wool hat")]
        lines = [
            factories.OrderLineFactory(order=order, product=self.products[0], quantity=2)
            for order in [*self.orders, self.old_order]
        ]

        def ship(order: Any, carrier: str, **fields: Any) -> Shipment:
            return Shipment.objects.create(
                brand=brand,
                order=order,
                carrier_code=carrier,
                carrier_name=carrier.upper(),
                tracking_number=f"T{order.id}",
                **fields,
            )

        self.shipments = [
            ship(
                self.orders[0],
                "ups",
                shipped_at=at(11, 5),
                status="delivered",
                delivered_at=at(11, 7),
                estimated_delivery=at(11, 8).date(),
            ),
            ship(
                self.orders[1],
                "ups",
                shipped_at=at(11, 5),
                status="delivered",
                delivered_at=at(11, 12),
                estimated_delivery=at(11, 8).date(),
            ),
            ship(
                self.orders[2],
                "dhl",
                shipped_at=at(11, 5),
                status="in_transit",
                estimated_delivery=at(11, 8).date(),
                late_since=at(11, 9),
                stuck_since=at(11, 10),
            ),
            ship(self.orders[3], "dhl", shipped_at=at(11, 5), status="in_transit"),
        ]
        self.old_shipment = ship(
            self.old_order,
            "ups",
            shipped_at=at(10, 10),
            status="delivered",
            delivered_at=at(10, 12),
            estimated_delivery=at(10, 13).date(),
        )
        TrackingPageView.objects.create(order=self.orders[0], day=at(11, 6).date(), views=3)
        TrackingPageView.objects.create(order=self.orders[1], day=at(11, 7).date(), views=2)
        TrackingPageView.objects.create(order=self.old_order, day=at(10, 11).date(), views=1)

        small = ReturnReason.objects.create(brand=brand, code="too-small", label="Too small")
        damaged = ReturnReason.objects.create(brand=brand, code="damaged", label="Arrived damaged")
        self.reasons = (small, damaged)

        def give_back(
            order: Any,
            line: Any,
            reason: Any,
            resolution: str,
            status: str,
            amount: str,
            when: datetime,
            product: Any,
            quantity: int = 1,
        ) -> Return:
            item = Return.objects.create(
                brand=brand,
                order=order,
                rma=f"RMA-{order.id}",
                reason=reason,
                resolution=resolution,
                status=status,
                currency="EUR",
                items_value=Decimal(amount),
                amount=Decimal(amount),
                requested_at=when,
            )
            line.product = product
            line.save(update_fields=["product"])
            ReturnLine.objects.create(
                return_request=item, order_line=line, quantity=quantity, unit_price=Decimal("20.00")
            )
            return item

        give_back(
            self.orders[0], lines[0], small, "refund", "refunded", "40.00", at(11, 10), self.products[0]
        )
        give_back(
            self.orders[1],
            lines[1],
            damaged,
            "store_credit",
            "credited",
            "30.00",
            at(11, 11),
            self.products[0],
            quantity=2,
        )
        give_back(
            self.orders[2], lines[2], small, "exchange", "rejected", "20.00", at(11, 12), self.products[1]
        )
        give_back(
            self.old_order, lines[4], small, "refund", "refunded", "25.00", at(10, 15), self.products[1]
        )

        for shipment, score, comment, when in (
            (self.shipments[0], 5, "Arrived early, thank you!", at(11, 8)),
            (self.shipments[1], 2, "", at(11, 13)),
        ):
            rating = DeliveryRating.objects.create(
                brand=brand, shipment=shipment, order=shipment.order, score=score, comment=comment
            )
            DeliveryRating.objects.filter(id=rating.id).update(created_at=when)
        for order, score, comment, when in (
            (self.orders[0], 10, "Love the tracking page", at(11, 20)),
            (self.orders[1], 5, "", at(11, 21)),
        ):
            NpsRequest.objects.create(
                brand=brand,
                order=order,
                customer=order.customer,
                score=score,
                comment=comment,
                answered_at=when,
                delivered_on=at(11, 7).date(),
            )

        def message(
            shipment: Any, trigger: str, channel: str, state: str, sent: bool, when: datetime
        ) -> None:
            note = Notification.objects.create(
                brand=brand,
                customer=shipment.order.customer,
                order_id=shipment.order_id,
                subject_key=f"shipment:{shipment.id}",
                trigger=trigger,
                channel=channel,
                to="x",
                locale="en",
                body="b",
                state=state,
                sent_at=when if sent else None,
            )
            Notification.objects.filter(id=note.id).update(created_at=when)

        message(self.shipments[0], "shipped", "sms", "delivered", True, at(11, 5))
        message(self.shipments[1], "shipped", "sms", "failed", False, at(11, 5))
        message(self.shipments[0], "delivered", "email", "sent", True, at(11, 7))
        message(self.old_shipment, "shipped", "sms", "delivered", True, at(10, 10))

        def case(order: Any, status: str, when: datetime, answered_after: timedelta) -> None:
            item = Case.objects.create(
                brand=brand,
                kind="question",
                status=status,
                order=order,
                subject="Where is it?",
                first_response_at=when + answered_after,
            )
            Case.objects.filter(id=item.id).update(created_at=when)

        case(self.orders[1], "open", at(11, 13), timedelta(hours=2))
        case(None, "solved", at(11, 14), timedelta(hours=4))
        case(None, "solved", at(10, 20), timedelta(hours=1))


@pytest.fixture
def world(brand: Any) -> World:
    brand.timezone = "Europe/Bucharest"
    brand.save(update_fields=["timezone"])
    return World(brand)


@pytest.fixture
def owner_client(client: Any, world: World, staff_of: Any) -> Any:
    client.force_login(staff_of(world.brand, Role.OWNER))
    return client


def kpis(response: Any) -> dict[str, dict[str, Any]]:
    return {str(kpi["title"]): kpi for kpi in response.context["kpis"]}


def rows_behind(client: Any, href: str) -> int:
    """How many rows the admin list behind a link shows (and that it took every filter)."""
    response = client.get(href)
    assert response.status_code == 200, (href, response.status_code)
    return int(response.context_data["cl"].result_count)


def hrefs(cell: str) -> str:
    found = re.search(r'href="([^"]+)"', cell)
    assert found, cell
    return found.group(1).replace("&amp;", "&")


def test_owner_sees_every_figure_against_the_previous_period(owner_client: Any) -> None:
    response = owner_client.get(f"/admin/?{PERIOD}")

    assert response.status_code == 200
    figures = kpis(response)
    assert (figures["Parcels shipped"]["value"], figures["Parcels shipped"]["previous"]) == ("4", "1")
    assert figures["Parcels shipped"]["change_label"] == "+300 %"
    assert figures["Delivered on time"]["value"] == "1"
    assert figures["Late"]["value"] == "2"
    assert figures["Late"]["change_label"] == ""  # nothing late before: no ratio to show
    assert figures["Stuck"]["value"] == "1"
    assert (figures["Tracking page views"]["value"], figures["Tracking page views"]["previous"]) == ("5", "1")
    assert figures["Orders that never asked"]["value"] == "75 %"
    assert figures["Returns requested"]["value"] == "3"
    assert figures["Returns requested"]["tone"] == "bad"  # more returns than before is not good news
    assert figures["Parcels shipped"]["tone"] == "good"
    assert figures["CSAT"]["value"] == "50 %"
    assert figures["NPS"]["value"] == "0"
    assert (figures["Messages sent"]["value"], figures["Messages sent"]["previous"]) == ("2", "1")
    assert figures["Open cases"]["value"] == "1"
    assert (figures["Median first response"]["value"], figures["Median first response"]["previous"]) == (
        "3 h",
        "1 h",
    )
    money = response.context["money_rows"][0]
    assert (money["refunded_change"], money["kept_change"]) == (
        "+60 %",
        "",
    )  # 40 against 25; no credit before
    assert "30" in money["kept"]
    assert "40" in money["refunded"]
    content = response.content.decode()
    for text in (
        "Parcels by carrier",
        "Returns by reason",
        "CSAT and NPS by week",
        "Arrived early, thank you!",
        "Love the tracking page",
        "not recorded",
    ):
        assert text in content
    assert "https://cdn" not in content  # charts run on unfold's bundled Chart.js


def test_every_figure_links_to_the_rows_behind_it(owner_client: Any, world: World) -> None:
    response = owner_client.get(f"/admin/?{PERIOD}")
    figures = kpis(response)

    expected = {
        "Parcels shipped": 4,
        "Tracking page views": 2,  # the orders whose page was opened in the period (5 views)
        "Delivered on time": 1,
        "Late": 2,
        "Stuck": 1,
        "Orders that never asked": 3,  # 75 % of the 4 orders placed
        "Returns requested": 3,
        "CSAT": 2,  # the ratings the score is made of
        "NPS": 2,
        "Messages sent": 2,
        "Open cases": 1,
        "Median first response": 2,  # the cases opened in the period
    }
    for title, count in expected.items():
        assert rows_behind(owner_client, figures[title]["href"]) == count, title

    carriers = {row[0]: row for row in response.context["carrier_table"]["rows"]}
    assert [rows_behind(owner_client, hrefs(cell)) for cell in carriers["UPS"][1:6]] == [2, 2, 1, 1, 0]
    assert [rows_behind(owner_client, hrefs(cell)) for cell in carriers["DHL"][1:6]] == [2, 0, 0, 1, 1]
    reasons = {row[0]: row for row in response.context["reason_table"]["rows"]}
    assert rows_behind(owner_client, hrefs(reasons["Too small"][1])) == 2
    products = {row[0]: row for row in response.context["product_table"]["rows"]}
    assert products["Linen shirt"][1] == 3  # items: 1 + 2
    assert rows_behind(owner_client, hrefs(products["Linen shirt"][2])) == 2
    resolutions = {str(row["label"]): row for row in response.context["resolution_rows"]}
    assert rows_behind(owner_client, resolutions["Refund"]["href"]) == 1
    messages = {(row[0], row[1]): row for row in response.context["message_table"]["rows"]}
    shipped_sms = messages[("shipped", "SMS")]
    assert [rows_behind(owner_client, hrefs(cell)) for cell in shipped_sms[2:5]] == [1, 1, 1]


def test_the_dashboard_costs_the_same_queries_whatever_the_data(
    client: Any, brand: Any, staff_of: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(staff_of(brand, Role.OWNER))
    now = timezone.now()
    populate(brand=brand, n=40, now=now, tag="small")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/admin/?range=90").status_code == 200
    populate(brand=brand, n=400, now=now, tag="large")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/admin/?range=90")
    assert response.status_code == 200
    assert int(kpis(response)["Parcels shipped"]["value"]) > 40  # the larger data set was read
    assert len(small.captured_queries) <= 25


def test_a_returns_manager_sees_only_what_the_role_allows(client: Any, world: World, staff_of: Any) -> None:
    client.force_login(staff_of(world.brand, Role.RETURNS_MANAGER))

    response = client.get(f"/admin/?{PERIOD}")

    assert response.status_code == 200
    titles = set(kpis(response))
    assert {"Parcels shipped", "Returns requested", "Open cases"} <= titles
    assert not titles & {"CSAT", "NPS", "Messages sent"}
    assert "Arrived early, thank you!" not in response.content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(f"/admin/console/dashboard.csv?{PERIOD}").content.decode()))
    )
    assert {row[0] for row in rows[1:]} == {"shipments", "tracking_page", "returns", "cases"}


def test_a_support_agent_sees_care_figures(client: Any, world: World, staff_of: Any) -> None:
    client.force_login(staff_of(world.brand, Role.SUPPORT_AGENT))

    titles = set(kpis(client.get(f"/admin/?{PERIOD}")))

    assert {"CSAT", "NPS", "Messages sent", "Open cases", "Median first response"} <= titles


def test_staff_of_no_brand_get_an_empty_dashboard(client: Any, world: World) -> None:
    # Permissions come from a role held in a brand: staff without one may see no figure at all.
    user = factories.UserFactory(username="no-brand", is_staff=True)
    client.force_login(user)

    response = client.get(f"/admin/?{PERIOD}")

    assert response.status_code == 200
    assert response.context["kpis"] == []
    assert "Parcels shipped" not in response.content.decode()
    assert client.get(f"/admin/console/dashboard.csv?{PERIOD}").status_code == 404


def test_another_brands_figures_are_never_shown(
    client: Any, world: World, other_brand: Any, staff_of: Any
) -> None:
    stranger = staff_of(other_brand, Role.OWNER)
    client.force_login(stranger)

    response = client.get(f"/admin/?{PERIOD}&brand={world.brand.id}")

    assert response.status_code == 200
    assert response.context["selection"].brand == other_brand
    assert kpis(response)["Parcels shipped"]["value"] == "0"
    assert "not one of yours" in response.content.decode()
    export = client.get(f"/admin/console/dashboard.csv?{PERIOD}&brand={world.brand.id}")
    assert export.status_code == 404


def test_staff_of_several_brands_pick_one(client: Any, world: World, other_brand: Any, staff_of: Any) -> None:
    from brands.services import membership_grant

    user = staff_of(other_brand, Role.OWNER)
    membership_grant(user_id=user.id, brand=world.brand, role=Role.OWNER)
    client.force_login(user)

    response = client.get(f"/admin/?{PERIOD}&brand={world.brand.id}")

    assert response.context["can_pick_brand"] is True
    assert kpis(response)["Parcels shipped"]["value"] == "4"
    assert f'<option value="{other_brand.id}"' in response.content.decode()


def test_a_superuser_sees_all_brands_or_one(client: Any, world: World, other_brand: Any) -> None:
    order = factories.OrderFactory(brand=other_brand, placed_at=at(11, 4))
    Shipment.objects.create(
        brand=other_brand, order=order, carrier_code="dpd", tracking_number="X1", shipped_at=at(11, 6)
    )
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))

    everything = client.get(f"/admin/?{PERIOD}&brand=all")
    one = client.get(f"/admin/?{PERIOD}&brand={other_brand.id}")

    assert kpis(everything)["Parcels shipped"]["value"] == "5"
    assert kpis(one)["Parcels shipped"]["value"] == "1"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("range=custom&from=yesterday&to=2026-11-30", "YYYY-MM-DD"),
        ("range=custom&from=2026-11-30&to=2026-11-01", "after the end date"),
        ("range=custom&from=2000-01-01&to=2026-11-30", "at most 366 days"),
        ("range=custom&from=" + "9" * 5000 + "&to=2026-11-30", "YYYY-MM-DD"),
    ],
)
def test_a_malformed_or_oversized_range_is_refused_with_a_message(
    owner_client: Any, query: str, error: str
) -> None:
    response = owner_client.get(f"/admin/?{query}")

    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["selection"].period.days == 30
    assert owner_client.get(f"/admin/console/dashboard.csv?{query}").status_code == 404


def test_unknown_preset_and_brand_values_fall_back_quietly(owner_client: Any, world: World) -> None:
    response = owner_client.get("/admin/?range=10000&brand=%00")

    assert response.status_code == 200
    assert response.context["selection"].period.days == 30
    assert response.context["selection"].brand == world.brand


@pytest.mark.parametrize("days", [7, 30, 90])
def test_presets_end_today_in_the_brands_time_zone(owner_client: Any, days: int) -> None:
    selection = owner_client.get(f"/admin/?range={days}").context["selection"]

    assert selection.period.days == days
    assert selection.period.last_day == timezone.now().astimezone(ZONE).date()
    assert selection.period.start.tzinfo == ZONE


def test_the_csv_export_holds_the_same_figures(owner_client: Any, world: World) -> None:
    response = owner_client.get(f"/admin/console/dashboard.csv?{PERIOD}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"dashboard-{world.brand.slug}-20261101-20261130.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "figure", "key", "2026-11-01..2026-11-30", "2026-10-02..2026-10-31"]
    table = {(row[0], row[1], row[2]): (row[3], row[4]) for row in rows[1:]}
    assert table[("shipments", "shipped", "ups")] == ("2", "1")
    assert table[("shipments", "late", "dhl")] == ("1", "0")
    assert table[("returns", "refunded", "EUR")] == ("40.00", "25.00")
    assert table[("feedback", "csat_percent", "")] == ("50.0", "")
    assert table[("messages", "failed", "shipped sms")] == ("1", "0")
    assert table[("cases", "median_first_response_hours", "")] == ("3.0", "1.0")


def test_the_csv_export_needs_a_staff_login(client: Any, world: World) -> None:
    assert client.get(f"/admin/console/dashboard.csv?{PERIOD}").status_code == 302
    client.force_login(factories.UserFactory(username="shopper-ish"))
    assert client.get(f"/admin/console/dashboard.csv?{PERIOD}").status_code == 302


def test_the_csv_export_keeps_names_from_becoming_formulas(owner_client: Any, world: World) -> None:
    ReturnReason.objects.filter(code="damaged").update(label='=HYPERLINK("x")')

    body = owner_client.get(f"/admin/console/dashboard.csv?{PERIOD}").content.decode()

    assert "'=HYPERLINK" in body


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/admin/tracking/shipment/", "outcome=sideways"),
        ("/admin/returns/return/", "product=abc"),
        ("/admin/orders/order/", "asked=maybe"),
        ("/admin/orders/order/", "viewed=2026-11-01..soon"),
    ],
)
def test_the_new_list_filters_take_no_nonsense(owner_client: Any, path: str, query: str) -> None:
    response = owner_client.get(f"{path}?{query}")

    assert response.status_code == 200
    assert response.context_data["cl"].result_count in (0, 4 + 1)  # nothing, or every order unfiltered


def test_the_median_fallback_of_other_databases_agrees_with_postgres(world: World) -> None:
    from common.periods import Period
    from support.selectors import _median_first_response, case_figures

    period = Period(first_day=at(11, 1).date(), last_day=at(11, 30).date(), time_zone="Europe/Bucharest")
    cases = Case.objects.filter(brand=world.brand)
    Case.objects.create(brand=world.brand, kind="question", status="new", subject="Unanswered")

    fallback = _median_first_response(cases, period.start, period.end)

    assert fallback == case_figures(brand_ids=[world.brand.id], period=period).first_response
    assert fallback == timedelta(hours=3)  # the mean of the middle two, 2 h and 4 h, as Postgres has it


@pytest.mark.parametrize(("language", "title"), [("ro", "Colete expediate"), ("pl", "Wysłane paczki")])
def test_the_dashboard_speaks_the_staff_members_language(
    owner_client: Any, language: str, title: str
) -> None:
    response = owner_client.get(f"/admin/?{PERIOD}", HTTP_ACCEPT_LANGUAGE=language)

    assert title in response.content.decode()


def test_a_staff_members_template_test_is_not_a_message_to_a_shopper(owner_client: Any, world: World) -> None:
    test_send = Notification.objects.create(
        brand=world.brand,
        customer=None,
        subject_key="template-test:1",
        trigger="shipped",
        channel="sms",
        to="staff@example.com",
        locale="en",
        body="b",
        state="sent",
        sent_at=at(11, 20),
        is_test=True,
    )
    Notification.objects.filter(id=test_send.id).update(created_at=at(11, 20))

    figures = kpis(owner_client.get(f"/admin/?{PERIOD}"))

    assert (figures["Messages sent"]["value"], figures["Messages sent"]["previous"]) == ("2", "1")
