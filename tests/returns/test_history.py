"""Change history: who changed a rule, a setting or a return, when, old → new; only the staff member's
brands, read-only (no revert around the services)."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from notifications.models import NotificationSettings
from returns import services
from returns.models import Return, ReturnRule
from returns.statuses import ReturnStatus
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]


@pytest.fixture
def rule(brand: Any) -> ReturnRule:
    return ReturnRule.objects.get(brand=brand, category="apparel", product=None)


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


def _change_form(client: Any, url: str) -> dict[str, Any]:
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_a_rule_changed_in_the_console_shows_old_new_and_who(
    client, staff_of, brand, rule, django_assert_max_num_queries
):
    client.force_login(manager := staff_of(brand, "returns_manager", username="mara"))
    url = f"/admin/returns/returnrule/{rule.id}/change/"
    before = rule.window_days
    response = client.post(url, {**_change_form(client, url), "window_days": before + 16})
    assert response.status_code == 302

    latest = rule.history.latest()
    assert latest.history_user_id == manager.id
    assert latest.window_days == before + 16

    with django_assert_max_num_queries(20):
        page = client.get(f"{url.removesuffix('change/')}history/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Window days" in html
    old_to_new = (
        rf"<span>\s*{before}\s*</span>\s*<span[^>]*>arrow_right_alt</span>\s*<span>\s*{before + 16}\s*</span>"
    )
    assert re.search(old_to_new, html)
    assert "mara" in html


def test_a_setting_changed_by_a_service_is_recorded_too(brand):
    row, _ = NotificationSettings.objects.get_or_create(brand=brand)
    row.sms_max_segments = 3
    row.save()
    assert [h.sms_max_segments for h in row.history.all()][:2] == [3, 2]


def test_a_return_s_status_moves_are_in_its_history_with_the_staff_member(client, staff_of, brand, requested):
    client.force_login(manager := staff_of(brand, "returns_manager"))
    client.post(
        "/admin/returns/return/", {"action": "approve", "_selected_action": [requested.id]}, follow=True
    )
    requested.refresh_from_db()
    assert requested.status == ReturnStatus.APPROVED
    statuses = list(requested.history.values_list("status", "history_user_id"))
    assert statuses[0] == (ReturnStatus.APPROVED, manager.id)
    assert (ReturnStatus.REQUESTED, None) in statuses  # asked by the shopper: no staff member
    html = client.get(f"/admin/returns/return/{requested.id}/history/").content.decode()
    assert "Approved" in html
    assert manager.username in html


def test_another_brand_s_history_is_not_found(client, staff_of, other_brand, rule):
    client.force_login(staff_of(other_brand, "returns_manager"))
    assert client.get(f"/admin/returns/returnrule/{rule.id}/history/").status_code == 404
    version = rule.history.latest().history_id
    assert client.get(f"/admin/returns/returnrule/{rule.id}/history/{version}/").status_code == 404


def test_history_is_read_only_nothing_is_reverted(client, staff_of, brand, rule):
    client.force_login(staff_of(brand, "owner"))
    first = rule.history.earliest()
    rule.window_days = 99
    rule.save()
    url = f"/admin/returns/returnrule/{rule.id}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"window_days": first.window_days, "brand": brand.id}).status_code == 405
    rule.refresh_from_db()
    assert rule.window_days == 99


def test_a_role_without_the_view_permission_sees_no_history(client, staff_of, brand, rule):
    client.force_login(staff_of(brand, "support_agent"))
    assert client.get(f"/admin/returns/returnrule/{rule.id}/history/").status_code == 403


@pytest.mark.parametrize("object_id", ["abc", "1%00", "99999999999999999999"])
def test_a_malformed_history_address_is_not_found(admin_client, object_id):
    assert admin_client.get(f"/admin/returns/returnrule/{object_id}/history/").status_code == 404


def test_a_change_through_the_api_names_no_user(rf, brand, staff_of):
    from brands.authentication import BrandPrincipal
    from common.history import staff_history_user

    request = rf.get("/")
    request.user = BrandPrincipal(brand)
    assert staff_history_user(request) is None
    request.user = staff_of(brand, "owner")
    assert staff_history_user(request) == request.user
