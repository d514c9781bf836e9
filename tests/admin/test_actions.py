"""Every admin action of every ModelAdmin: it runs, it does what it says, and only in one's brand.

The table ACTIONS lists each action with the small data set it needs and the effect it must have.
An action added to any ModelAdmin without a row here fails `test_every_action_has_a_row`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from brands.models import Brand, Role
from notifications.models import Notification
from returns import services as return_services
from returns.models import Return
from returns.statuses import ReturnStatus
from support import services as support_services
from support.models import Case, CaseStatus, FaqArticle
from tests import factories
from tests.returns.conftest import deliver
from tracking import services as tracking_services
from tracking.models import Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus

pytestmark = pytest.mark.django_db


# ---- seeds: each makes what one action needs, for one brand, and returns the ids to select ---------


def _order(brand: Brand) -> Any:
    customer = factories.CustomerFactory(brand=brand, email=f"{uuid.uuid4().hex[:8]}@example.com")
    order = factories.OrderFactory(brand=brand, customer=customer, currency="RON")
    product = factories.ProductFactory(brand=brand, category="home", price=Decimal("30.00"), currency="RON")
    factories.OrderLineFactory(order=order, product=product, quantity=2, unit_price=Decimal("30.00"))
    return order


def seed_shipment(brand: Brand, world: "World") -> list[int]:
    shipment, _ = tracking_services.shipment_upsert(
        brand=brand, order=_order(brand), carrier_code="dpd", tracking_number=f"DPD{brand.id}X"
    )
    return [shipment.id]


def seed_lost_webhook_events(brand: Brand, world: "World") -> list[int]:
    record = world.stored_webhook(brand, _order(brand))
    TrackingEvent.objects.filter(shipment__brand=brand).delete()
    return [record.id]


def seed_notification(brand: Brand, world: "World") -> list[int]:
    shipment_id = seed_shipment(brand, world)[0]
    from tracking.simulation import shipment_simulate_scan

    for _scan in range(4):  # up to out for delivery: the shopper is told along the way
        shipment_simulate_scan(shipment_id=shipment_id)
    ids = list(Notification.objects.filter(brand=brand).values_list("id", flat=True))
    assert ids, "the seed must leave a message to send again"
    return ids[:1]


def seed_case(brand: Brand, world: "World") -> list[int]:
    case, _ = support_services.case_open(
        brand=brand,
        data=support_services.CaseInput(
            kind="question", subject="Where is my parcel?", body="It has not come yet.", email="s@example.com"
        ),
    )
    return [case.id]


def seed_answered_case(brand: Brand, world: "World") -> list[int]:
    case_id = seed_case(brand, world)[0]
    agent = factories.UserFactory(username=f"agent-{uuid.uuid4().hex[:6]}", is_staff=True)
    support_services.case_reply(case_id=case_id, staff_id=agent.id, body="It leaves the warehouse tomorrow.")
    return [case_id]


def _return(brand: Brand, to: tuple[str, ...] = ()) -> int:
    return_services.reasons_ensure_defaults(brand=brand)
    return_services.policy_settings_set(brand=brand, auto_approve=False, currency="RON")
    return_services.rule_set(brand=brand, window_days=30)
    order = _order(brand)
    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, 10, tzinfo=UTC))
    ret = return_services.return_request(
        brand=brand,
        order_id=order.id,
        lines=[return_services.RequestedLine(order_line_id=order.lines.get().id, quantity=1)],
        reason_id=brand.return_reasons.get(code="too-big").id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    for status in to:
        return_services.return_transition(
            return_id=ret.id, to_status=status, actor=return_services.Actor("test")
        )
    return ret.id


def seed_requested_return(brand: Brand, world: "World") -> list[int]:
    return [_return(brand)]


def seed_approved_return(brand: Brand, world: "World") -> list[int]:
    return [_return(brand, (ReturnStatus.APPROVED,))]


def seed_received_return(brand: Brand, world: "World") -> list[int]:
    return [_return(brand, (ReturnStatus.APPROVED, ReturnStatus.RECEIVED))]


# ---- what each action must have done --------------------------------------------------------------


def shipment_state(ids: list[int]) -> Any:
    return list(
        Shipment.objects.filter(id__in=ids).values_list("status", flat=True)
    ), TrackingEvent.objects.filter(shipment_id__in=ids).count()


def webhook_state(ids: list[int]) -> Any:
    return TrackingEvent.objects.filter(shipment__brand__inbound_webhooks__id__in=ids).count()


def notification_state(ids: list[int]) -> Any:
    brand_ids = Notification.objects.filter(id__in=ids).values_list("brand_id", flat=True)
    return Notification.objects.filter(brand_id__in=brand_ids).count()


def case_state(ids: list[int]) -> Any:
    return list(Case.objects.filter(id__in=ids).values_list("status", "solved_at"))


def faq_state(ids: list[int]) -> Any:
    return FaqArticle.objects.filter(from_case_id__in=ids).count()


def return_state(ids: list[int]) -> Any:
    return list(Return.objects.filter(id__in=ids).values_list("status", "amount_issued"))


def statuses(model: Any, ids: list[int]) -> set[str]:
    return set(model.objects.filter(id__in=ids).values_list("status", flat=True))


@dataclass(frozen=True)
class ActionCase:
    seed: Callable[[Brand, "World"], list[int]]
    state: Callable[[list[int]], Any]  # what a run must change, to compare before and after
    effect: Callable[[list[int], Any], None]  # asserts the intended effect, given the state before
    extra: dict[str, str] = field(default_factory=dict)  # e.g. the confirmation of a two-step action


def simulated(ids: list[int], before: Any) -> None:
    assert statuses(Shipment, ids) == {ShipmentStatus.INFO_RECEIVED}
    assert Shipment.objects.get(id=ids[0]).events.get().source == "simulation"


def reprocessed(ids: list[int], before: Any) -> None:
    assert before == 0
    assert webhook_state(ids) == 3  # the tracker's three checkpoints, written again


def resent(ids: list[int], before: Any) -> None:
    original = Notification.objects.get(id=ids[0])
    assert notification_state(ids) == before + 1
    copy = Notification.objects.filter(brand_id=original.brand_id).latest("id")
    assert (copy.to, copy.body, copy.channel) == (original.to, original.body, original.channel)
    assert copy.id != original.id


def solved(ids: list[int], before: Any) -> None:
    case = Case.objects.get(id=ids[0])
    assert case.status == CaseStatus.SOLVED
    assert case.solved_at is not None
    assert case.messages.filter(body__endswith="Solved").exists()


def faq_drafted(ids: list[int], before: Any) -> None:
    draft = FaqArticle.objects.get(from_case_id=ids[0])
    assert draft.published is False
    assert "It leaves the warehouse tomorrow." in draft.body


def became(status: str) -> Callable[[list[int], Any], None]:
    def check(ids: list[int], before: Any) -> None:
        assert statuses(Return, ids) == {status}

    return check


ACTIONS: dict[tuple[str, str], ActionCase] = {
    ("tracking.shipment", "simulate_scan"): ActionCase(
        seed_shipment, shipment_state, simulated, extra={"post": "yes"}
    ),
    ("tracking.inboundwebhook", "reprocess"): ActionCase(
        seed_lost_webhook_events, webhook_state, reprocessed
    ),
    ("notifications.notification", "resend"): ActionCase(seed_notification, notification_state, resent),
    ("support.case", "mark_solved"): ActionCase(seed_case, case_state, solved),
    ("support.case", "make_faq"): ActionCase(seed_answered_case, faq_state, faq_drafted),
    ("returns.return", "approve"): ActionCase(
        seed_requested_return, return_state, became(ReturnStatus.APPROVED)
    ),
    ("returns.return", "reject"): ActionCase(
        seed_requested_return,
        return_state,
        became(ReturnStatus.REJECTED),
        extra={"apply": "yes", "reason": "The return window had closed."},
    ),
    ("returns.return", "mark_received"): ActionCase(
        seed_approved_return, return_state, became(ReturnStatus.RECEIVED)
    ),
    ("returns.return", "resolve"): ActionCase(
        seed_received_return, return_state, became(ReturnStatus.REFUNDED)
    ),
    ("returns.incomingreturn", "mark_received"): ActionCase(
        seed_approved_return, return_state, became(ReturnStatus.RECEIVED)
    ),
}


def registered_actions() -> set[tuple[str, str]]:
    """Every (model, action) offered by any ModelAdmin, whatever the user's permissions."""
    return {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for _func, name, _description in model_admin._get_base_actions()
        if name != "delete_selected"
    }


@dataclass
class World:
    stored_webhook: Callable[[Any, Any], Any]


@pytest.fixture
def world(stored_webhook: Any, settings: Any) -> World:
    settings.DEBUG = True  # the demo-only actions are offered too
    return World(stored_webhook=stored_webhook)


def changelist(label: str) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def run(client: Any, label: str, action: str, ids: list[int], extra: dict[str, str]) -> Any:
    return client.post(changelist(label), {"action": action, "_selected_action": ids, **extra})


def test_every_action_has_a_row():
    assert registered_actions() == set(ACTIONS), (
        "each admin action needs a row in ACTIONS: its seed and its intended effect"
    )


@pytest.mark.parametrize(("label", "action"), sorted(ACTIONS))
def test_a_superuser_runs_the_action_and_it_does_what_it_says(
    admin_client, world, brand, label, action, django_capture_on_commit_callbacks
):
    case = ACTIONS[(label, action)]
    ids = case.seed(brand, world)
    before = case.state(ids)
    with django_capture_on_commit_callbacks(execute=True):
        response = run(admin_client, label, action, ids, case.extra)
    assert response.status_code in (200, 302)
    case.effect(ids, before)


def _all_permissions_of(label: str) -> list[Permission]:
    app_label, _model_name = label.split(".")
    return list(Permission.objects.filter(content_type__app_label=app_label))


@pytest.mark.parametrize(("label", "action"), sorted(ACTIONS))
def test_brand_staff_cannot_run_an_action_on_another_brands_objects(
    client, world, staff_of, brand, other_brand, label, action, django_capture_on_commit_callbacks
):
    case = ACTIONS[(label, action)]
    foreign = case.seed(other_brand, world)
    before = case.state(foreign)
    # Every permission of the app, so that only the brand scope stands between them and brand B.
    user = staff_of(brand, Role.OWNER)
    user.user_permissions.add(*_all_permissions_of(label))
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = run(client, label, action, foreign, case.extra)
    assert response.status_code in (200, 302, 403)
    assert case.state(foreign) == before


def test_delete_selected_asks_first_then_deletes_only_in_ones_brand(
    client, admin_client, staff_of, brand, other_brand
):
    from support.models import CannedAnswer

    ours = CannedAnswer.objects.create(brand=brand, locale="en", title="Ours", body="Hello.")
    theirs = CannedAnswer.objects.create(brand=other_brand, locale="en", title="Theirs", body="Hi.")
    url = changelist("support.cannedanswer")
    owner = staff_of(brand, Role.OWNER)
    assert owner.has_perm("support.delete_cannedanswer")
    client.force_login(owner)

    forged = client.post(url, {"action": "delete_selected", "_selected_action": [theirs.id], "post": "yes"})
    assert forged.status_code in (200, 302)
    assert CannedAnswer.objects.filter(id=theirs.id).exists()

    asked = client.post(url, {"action": "delete_selected", "_selected_action": [ours.id]})
    assert asked.status_code == 200
    assert "Are you sure" in asked.content.decode()
    assert CannedAnswer.objects.filter(id=ours.id).exists()
    done = client.post(url, {"action": "delete_selected", "_selected_action": [ours.id], "post": "yes"})
    assert done.status_code == 302
    assert not CannedAnswer.objects.filter(id=ours.id).exists()

    superuser = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": [theirs.id], "post": "yes"}
    )
    assert superuser.status_code == 302
    assert not CannedAnswer.objects.exists()
