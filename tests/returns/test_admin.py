"""The returns desk: brand-scoped queue, bulk actions through the services, insights and CSV."""

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from returns import services
from returns.models import Return, ReturnNote
from returns.statuses import ReturnStatus
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]
CHANGELIST = "/admin/returns/return/"


@pytest.fixture
def requested(make_order: Any, reasons: Any, brand: Any) -> Return:
    services.policy_settings_set(brand=brand, auto_approve=False)
    order = make_order(("home", 2, "30.00"), placed_at=datetime(2026, 11, 1, tzinfo=UTC))
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


@pytest.fixture
def foreign(other_brand: Any) -> Return:
    from tests import factories

    services.reasons_ensure_defaults(brand=other_brand)
    services.policy_settings_set(brand=other_brand, auto_approve=False)
    order = factories.OrderFactory(brand=other_brand, placed_at=datetime(2026, 11, 5, tzinfo=UTC))
    line = factories.OrderLineFactory(order=order, quantity=1)
    return services.return_request(
        brand=other_brand,
        order_id=order.id,
        lines=[services.RequestedLine(line.id, 1)],
        reason_id=other_brand.return_reasons.get(code="too-big").id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


def act(client: Any, action: str, *returns: Return) -> Any:
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.id for r in returns]}, follow=True
    )


def test_the_queue_shows_only_the_staff_members_brand(client, staff_of, brand, requested, foreign):
    client.force_login(staff_of(brand, "returns_manager"))

    html = client.get(CHANGELIST).content.decode()

    assert requested.rma in html
    assert foreign.rma not in html
    assert client.get(f"{CHANGELIST}{foreign.id}/change/").status_code == 302  # not found: back to the list


def test_bulk_approve_receive_refund(client, staff_of, brand, requested, make_order, reasons):
    client.force_login(user := staff_of(brand, "returns_manager"))

    act(client, "approve", requested)
    act(client, "mark_received", requested)
    response = act(client, "resolve", requested)

    requested.refresh_from_db()
    assert response.status_code == 200
    assert requested.status == ReturnStatus.REFUNDED
    assert requested.amount_issued == requested.amount
    assert list(requested.events.values_list("actor_label", flat=True))[-3:] == [user.username] * 3


def test_an_illegal_bulk_move_is_reported_not_applied(client, staff_of, brand, requested):
    client.force_login(staff_of(brand, "returns_manager"))

    response = act(client, "resolve", requested)

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED
    assert "Not changed" in response.content.decode()


def test_a_manager_of_brand_a_cannot_act_on_brand_b(client, staff_of, brand, requested, foreign):
    client.force_login(staff_of(brand, "returns_manager"))

    act(client, "approve", foreign)
    client.post(
        f"{CHANGELIST}{foreign.id}/change/",
        {"notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-0-body": "sneaky"},
    )

    foreign.refresh_from_db()
    assert foreign.status == ReturnStatus.REQUESTED
    assert not ReturnNote.objects.exists()
    assert (
        client.get(f"{CHANGELIST}insights/?format=csv")
        .content.decode()
        .count(foreign.order.lines.get().product.sku)
        == 0
    )


def test_support_agents_see_but_cannot_move(client, staff_of, brand, requested):
    client.force_login(staff_of(brand, "support_agent"))

    act(client, "approve", requested)

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED


def test_detail_shows_lines_history_and_takes_notes(client, staff_of, brand, requested):
    client.force_login(staff_of(brand, "returns_manager"))
    url = f"{CHANGELIST}{requested.id}/change/"
    html = client.get(url).content.decode()
    assert requested.order.lines.get().title in html
    assert "order placed" in html

    prefix = "notes"
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-body": "Customer called, box is ready",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-id": requested.lines.get().id,
        "lines-0-return_request": requested.id,
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "1",
        "events-0-id": requested.events.get().id,
        "events-0-return_request": requested.id,
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ReturnNote.objects.get().body == "Customer called, box is ready"


def test_incoming_lists_what_is_expected(client, staff_of, brand, requested):
    services.return_transition(return_id=requested.id, to_status="approved", actor=services.SYSTEM)
    services.return_shipment_attach(return_id=requested.id, tracking_number="RET42")
    client.force_login(staff_of(brand, "returns_manager"))

    html = client.get("/admin/returns/incomingreturn/").content.decode()

    assert requested.rma in html
    assert "RET42" in html


def test_insights_and_csv(client, staff_of, brand, requested):
    services.return_transition(return_id=requested.id, to_status="approved", actor=services.SYSTEM)
    services.return_transition(return_id=requested.id, to_status="received", actor=services.SYSTEM)
    services.return_resolve(return_id=requested.id, actor=services.SYSTEM)
    client.force_login(staff_of(brand, "returns_manager"))

    page = client.get(f"{CHANGELIST}insights/?start=2026-10-01&end=2026-11-30")
    export = client.get(f"{CHANGELIST}insights/?start=2026-10-01&end=2026-11-30&format=csv")

    assert page.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["section", "key", "sold_units", "returned_units", "percent"]
    assert ["category", "home", "2", "1", "50.0"] in rows
    assert ["reason", "Too big", "", "1", "100.0"] in rows
    assert ["resolution", "refund", "", "1", "100.0"] in rows
    speed = {row[1]: row[4] for row in rows if row[0] == "speed"}
    assert speed["avg_days_delivery_to_return"] == "6.6"  # delivered 3 Nov 10:00, asked 10 Nov 00:00
    assert speed["avg_days_received_to_resolved"] == "0.0"
