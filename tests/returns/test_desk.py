"""A return handled from its own page and from the list: the moves its status allows, through the
services, and what the shopper is told matching what happened."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from notifications.models import Notification
from returns import services
from returns.models import ItemCondition, Return, ReturnEvent
from returns.statuses import ReturnStatus
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]
CHANGELIST = "/admin/returns/return/"
SYSTEM = services.SYSTEM


def page_url(ret: Return) -> str:
    return f"{CHANGELIST}{ret.id}/change/"


def move(client: Any, ret: Return, name: str, **data: str) -> Any:
    return client.post(f"{CHANGELIST}{ret.id}/move/{name}/", data, follow=True)


def sent(ret: Return, trigger: str) -> list[Notification]:
    """The emails the shopper was sent for this move (the SMS say the same, shorter)."""
    return list(Notification.objects.filter(subject_key=f"return:{ret.id}:{trigger}", channel="email"))


def sent_count(ret: Return) -> int:
    return Notification.objects.filter(subject_key__startswith=f"return:{ret.id}:").count()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def bar_buttons(html: str) -> list[str]:
    """The labels of the move bar's buttons, in order."""
    bar = html.split('data-testid="move-bar"', 1)[1].split("</section>", 1)[0]
    labels = re.findall(r"<[^>]*data-move[^>]*>([^<]+)<", bar)
    return [" ".join(label.split()) for label in labels]


@pytest.fixture
def requested(make_order: Any, reasons: Any, brand: Any) -> Return:
    """Two home items at 30 and an apparel item at 40 (apparel: 15 shipping, 10 % restocking): 81 due."""
    services.policy_settings_set(brand=brand, auto_approve=False)
    order = make_order(("home", 2, "30.00"), ("apparel", 1, "40.00"))
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 2, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        locale="ro",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


@pytest.fixture
def received(requested: Return) -> Return:
    for status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
        services.return_transition(return_id=requested.id, to_status=status, actor=SYSTEM)
    requested.refresh_from_db()
    return requested


@pytest.fixture
def manager(client: Any, staff_of: Any, brand: Any) -> Any:
    client.force_login(staff_of(brand, "returns_manager"))
    return client


def inspection_data(ret: Return, **overrides: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for line in ret.lines.order_by("id"):
        values = {
            "condition": ItemCondition.AS_NEW,
            "accepted_quantity": str(line.quantity),
            "refund_amount": "",
            "adjustment_reason": "",
            **overrides.get(line.order_line.product.category, {}),
        }
        data.update({f"line-{line.id}-{name}": value for name, value in values.items()})
    return data


# ---- the page offers the moves of the status, and only those --------------------------------------


def test_a_requested_return_offers_approve_and_reject_only(manager, requested, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        html = manager.get(page_url(requested)).content.decode()

    assert bar_buttons(html)[:2] == ["Approve", "Reject…"]
    assert not any(label.startswith(("Refund", "Mark received", "Inspect")) for label in bar_buttons(html))
    assert "81,00" in html or "81.00" in html


def test_a_received_return_offers_inspection_and_the_three_resolutions(manager, received):
    labels = bar_buttons(manager.get(page_url(received)).content.decode())

    assert labels[0] == "Inspect items…"
    assert [label.split()[0] for label in labels[1:]] == ["Refund", "Store", "Exchange"]  # chosen first


def test_a_settled_return_offers_nothing(manager, received):
    services.return_settle(return_id=received.id, resolution="refund", actor=SYSTEM)

    html = manager.get(page_url(received)).content.decode()

    assert bar_buttons(html) == []
    assert "Nothing left to do" in html


# ---- approve: once, with one message ------------------------------------------------------------------


def test_approve_from_the_page_tells_the_shopper_once_even_when_replayed(manager, requested):
    response = move(manager, requested, "approve")

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.APPROVED
    assert any("The shopper was told" in text for text in messages_of(response))
    [message] = sent(requested, "return_approved")
    assert requested.rma in message.body
    assert "aprobat" in message.body

    events = ReturnEvent.objects.filter(return_request=requested).count()
    messages_before = sent_count(requested)
    replay = move(manager, requested, "approve")

    assert any("already approved" in text for text in messages_of(replay))
    assert sent_count(requested) == messages_before
    assert ReturnEvent.objects.filter(return_request=requested).count() == events


def test_a_move_is_post_only(manager, requested):
    response = manager.get(f"{CHANGELIST}{requested.id}/move/approve/")

    requested.refresh_from_db()
    assert response.status_code == 405
    assert requested.status == ReturnStatus.REQUESTED


def test_an_unknown_move_is_not_found(manager, requested):
    assert manager.post(f"{CHANGELIST}{requested.id}/move/teleport/").status_code == 404


def test_a_move_the_status_does_not_allow_is_refused_and_says_why(manager, requested):
    response = move(manager, requested, "receive")

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED
    assert any("cannot be received" in text for text in messages_of(response))
    assert sent(requested, "return_received") == []


# ---- reject: a reason the shopper reads, in their language ---------------------------------------------


def test_reject_needs_a_reason(manager, requested):
    response = move(manager, requested, "reject", reason="   ")

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED
    assert any("Write the reason" in text for text in messages_of(response))
    assert sent(requested, "return_rejected") == []


def test_an_oversized_reason_is_refused(manager, requested):
    move(manager, requested, "reject", reason="x" * 501)

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED
    assert requested.rejection_reason == ""


def test_reject_tells_the_shopper_the_reason_in_their_language(client, manager, requested):
    move(
        manager,
        requested,
        "reject",
        reason="The items show signs of wear.",
        reason_ro="Produsele prezintă urme de purtare.",
    )

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REJECTED
    assert requested.rejection_reason_translations == {"ro": "Produsele prezintă urme de purtare."}
    [message] = sent(requested, "return_rejected")
    assert message.locale == "ro"
    assert "nu l-am putut accepta: Produsele prezintă urme de purtare." in message.body
    shopper_page = client.get(f"/{requested.brand.slug}/returns/r/{requested.token}/").content.decode()
    assert "Produsele prezintă urme de purtare." in shopper_page


def test_without_a_translation_the_shopper_reads_the_reason_as_written(manager, requested):
    move(manager, requested, "reject", reason="The items show signs of wear.")

    [message] = sent(requested, "return_rejected")
    assert "nu l-am putut accepta: The items show signs of wear." in message.body


# ---- inspect, then resolve for the inspected amount --------------------------------------------------


def test_inspection_recomputes_what_is_due_and_the_refund_pays_exactly_that(client, manager, received):
    assert received.amount == Decimal("81.00")  # 100 of items − 15 shipping − 4 restocking

    response = manager.post(
        f"{CHANGELIST}{received.id}/inspect/",
        inspection_data(
            received,
            home={
                "condition": ItemCondition.USED,
                "accepted_quantity": "1",
                "adjustment_reason": "One was worn.",
            },
            apparel={"refund_amount": "35.00", "adjustment_reason": "A loose seam."},
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    received.refresh_from_db()
    assert received.status == ReturnStatus.INSPECTED
    # 30 + 35 accepted; restocking follows the share kept (4 × 65/100); shipping stays.
    assert received.inspected_items_value == Decimal("65.00")
    assert received.inspected_restocking_fee == Decimal("2.60")
    assert received.inspected_amount == Decimal("47.40")
    home, apparel = received.lines.order_by("id")
    assert (home.accepted_quantity, home.refund_amount, home.condition) == (1, Decimal("30.00"), "used")
    assert (apparel.refund_amount, apparel.adjustment_reason) == (Decimal("35.00"), "A loose seam.")

    labels = bar_buttons(manager.get(page_url(received)).content.decode())
    assert labels[0].startswith("Refund")
    assert "47.40" in labels[0]

    assert move(manager, received, "refund").status_code == 200  # no confirmation: nothing moves
    received.refresh_from_db()
    assert received.status == ReturnStatus.INSPECTED
    assert sent(received, "return_refunded") == []

    move(manager, received, "refund", confirm="yes")

    received.refresh_from_db()
    assert received.status == ReturnStatus.REFUNDED
    assert received.amount_issued == Decimal("47.40")
    [message] = sent(received, "return_refunded")
    assert "rambursat: 47.40 RON" in message.body
    assert "81" not in message.body
    shopper_page = client.get(f"/{received.brand.slug}/returns/r/{received.token}/").content.decode()
    assert "47,40" in shopper_page
    assert "81,00" not in shopper_page
    assert "A loose seam." in shopper_page


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"home": {"accepted_quantity": "3"}}, "less than or equal to 2"),
        ({"home": {"accepted_quantity": "-1"}}, ""),
        ({"home": {"condition": "melted"}}, ""),
        ({"apparel": {"refund_amount": "40.01", "adjustment_reason": "Tip."}}, "between 0 and"),
        ({"apparel": {"refund_amount": "20.00"}}, "say why"),
        ({"home": {"accepted_quantity": "1"}}, "say why"),
        ({"apparel": {"refund_amount": "1" * 20}}, ""),
        ({"apparel": {"refund_amount": "20", "adjustment_reason": "x" * 301}}, ""),
    ],
)
def test_a_malformed_inspection_writes_nothing(manager, received, overrides, why):
    response = manager.post(f"{CHANGELIST}{received.id}/inspect/", inspection_data(received, **overrides))

    received.refresh_from_db()
    assert response.status_code == 200
    assert why in response.content.decode()
    assert received.status == ReturnStatus.RECEIVED
    assert received.inspected_amount is None
    assert not received.lines.filter(accepted_quantity__isnull=False).exists()


def test_a_line_missing_from_the_inspection_is_refused(received):
    first = received.lines.order_by("id").first()
    with pytest.raises(services.ValidationError):
        services.return_inspect(
            return_id=received.id,
            inspections=[services.LineInspection(first.id, ItemCondition.AS_NEW, first.quantity)],
            actor=SYSTEM,
        )
    received.refresh_from_db()
    assert received.status == ReturnStatus.RECEIVED


def test_the_merchant_may_switch_to_store_credit_with_the_bonus(manager, received):
    move(manager, received, "store_credit", confirm="yes")

    received.refresh_from_db()
    assert (received.status, received.resolution) == (ReturnStatus.CREDITED, "store_credit")
    assert received.bonus == Decimal("10.00")  # the brand's 10 % on 100 of items
    assert received.amount_issued == Decimal("91.00")
    [message] = sent(received, "return_credited")
    assert "91.00 RON" in message.body
    assert sent(received, "return_refunded") == []
    assert "resolution changed from refund to store_credit" in received.events.latest("id").note


def test_refunding_twice_sends_one_message(manager, received):
    move(manager, received, "refund", confirm="yes")
    messages_before = sent_count(received)
    replay = move(manager, received, "refund", confirm="yes")
    other = move(manager, received, "exchange", confirm="yes")

    received.refresh_from_db()
    assert received.status == ReturnStatus.REFUNDED
    assert any("already refunded" in text for text in messages_of(replay))
    assert any("already refunded" in text for text in messages_of(other))
    assert len(sent(received, "return_refunded")) == 1
    assert sent_count(received) == messages_before


def test_no_refunded_message_for_a_return_still_on_its_way(manager, requested):
    move(manager, requested, "approve")

    move(manager, requested, "refund", confirm="yes")

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.APPROVED
    assert requested.amount_issued is None
    assert sent(requested, "return_refunded") == []


# ---- who may act ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "returns_manager"])
def test_owner_and_manager_may_act(client, staff_of, brand, requested, role):
    client.force_login(staff_of(brand, role))

    move(client, requested, "approve")

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.APPROVED


def test_a_support_agent_sees_the_return_but_every_move_is_refused(client, staff_of, brand, received):
    client.force_login(staff_of(brand, "support_agent"))
    before = sent_count(received)

    html = client.get(page_url(received)).content.decode()
    assert bar_buttons(html) == []
    assert "your role cannot move it" in html
    for name, data in [
        ("approve", {}),
        ("reject", {"reason": "No."}),
        ("receive", {}),
        ("refund", {"confirm": "yes"}),
        ("store_credit", {"confirm": "yes"}),
    ]:
        assert client.post(f"{CHANGELIST}{received.id}/move/{name}/", data).status_code == 403
    assert client.get(f"{CHANGELIST}{received.id}/inspect/").status_code == 403
    assert client.post(f"{CHANGELIST}{received.id}/inspect/", inspection_data(received)).status_code == 403

    received.refresh_from_db()
    assert received.status == ReturnStatus.RECEIVED
    assert sent_count(received) == before


def test_another_brands_return_is_not_found(client, staff_of, other_brand, requested):
    client.force_login(staff_of(other_brand, "owner"))

    assert client.post(f"{CHANGELIST}{requested.id}/move/approve/").status_code == 404
    assert client.get(f"{CHANGELIST}{requested.id}/inspect/").status_code == 404

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED


def test_a_manager_elsewhere_is_only_an_agent_here(client, staff_of, brand, other_brand, requested):
    user = staff_of(brand, "support_agent")
    from brands.services import membership_grant

    membership_grant(user_id=user.id, brand=other_brand, role="returns_manager")
    client.force_login(type(user).objects.get(pk=user.pk))

    assert client.post(f"{CHANGELIST}{requested.id}/move/approve/").status_code == 403
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [requested.id]})

    requested.refresh_from_db()
    assert requested.status == ReturnStatus.REQUESTED


# ---- the same moves in bulk ----------------------------------------------------------------------------


def bulk(client: Any, action: str, *returns: Return, **data: str) -> Any:
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [r.id for r in returns], **data}, follow=True
    )


@pytest.fixture
def second(requested: Return, make_order: Any, reasons: Any, brand: Any) -> Return:
    order = make_order(("home", 1, "25.00"))
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


def test_bulk_reject_asks_for_one_reason_then_rejects_all(manager, requested, second):
    asked = bulk(manager, "reject", requested, second)
    assert "Reason the shopper reads" in asked.content.decode()
    assert Return.objects.filter(status=ReturnStatus.REJECTED).count() == 0

    empty = bulk(manager, "reject", requested, second, apply="yes", reason="")
    assert "Write the reason" in empty.content.decode()
    assert Return.objects.filter(status=ReturnStatus.REJECTED).count() == 0

    bulk(manager, "reject", requested, second, apply="yes", reason="Past the return window.")

    for ret in (requested, second):
        ret.refresh_from_db()
        assert (ret.status, ret.rejection_reason) == (ReturnStatus.REJECTED, "Past the return window.")
        [message] = sent(ret, "return_rejected")
        assert "Past the return window." in message.body


def test_bulk_with_mixed_statuses_moves_what_can_and_names_the_rest(manager, received, second):
    other = second
    response = bulk(manager, "mark_received", received, other)

    other.refresh_from_db()
    received.refresh_from_db()
    texts = messages_of(response)
    assert other.status == ReturnStatus.REQUESTED
    assert received.status == ReturnStatus.RECEIVED
    assert any("Nothing to do" in text and received.rma in text for text in texts)
    assert any("Not changed" in text and other.rma in text for text in texts)
    assert sent(other, "return_received") == []


def test_bulk_resolve_pays_the_inspected_amount(manager, received):
    services.return_inspect(
        return_id=received.id,
        inspections=[
            services.LineInspection(
                line.id, ItemCondition.AS_NEW, line.quantity, line.unit_price * line.quantity / 2, "Half."
            )
            for line in received.lines.all()
        ],
        actor=SYSTEM,
    )

    bulk(manager, "resolve", received)

    received.refresh_from_db()
    assert received.status == ReturnStatus.REFUNDED
    assert received.amount_issued == received.inspected_amount == Decimal("33.00")  # 50 − 15 − 2
    [message] = sent(received, "return_refunded")
    assert "33.00 RON" in message.body


def test_bulk_reject_with_an_oversized_reason_writes_nothing(manager, requested, second):
    response = bulk(manager, "reject", requested, second, apply="yes", reason="x" * 501)

    assert "Write the reason" in response.content.decode()
    assert Return.objects.filter(status=ReturnStatus.REJECTED).count() == 0
    assert sent(requested, "return_rejected") == []
