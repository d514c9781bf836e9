"""Which role is offered which admin action, and that what a role is not offered it cannot force.

ROLE_ACTIONS is the intended matrix; every action of tests/admin/test_actions.py's table is run by
every role on its own brand's objects: offered → the effect happens; not offered → nothing changes.
"""

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory

from brands.models import Role
from tests.admin.test_actions import ACTIONS, World, run

pytestmark = pytest.mark.django_db

ROLE_ACTIONS: dict[str, set[tuple[str, str]]] = {
    Role.OWNER: {
        ("notifications.notification", "resend"),
        ("support.case", "mark_solved"),
        ("support.case", "make_faq"),
        ("returns.return", "approve"),
        ("returns.return", "reject"),
        ("returns.return", "mark_received"),
        ("returns.return", "resolve"),
        ("returns.incomingreturn", "mark_received"),
    },
    Role.RETURNS_MANAGER: {
        ("returns.return", "approve"),
        ("returns.return", "reject"),
        ("returns.return", "mark_received"),
        ("returns.return", "resolve"),
        ("returns.incomingreturn", "mark_received"),
    },
    Role.SUPPORT_AGENT: {
        ("notifications.notification", "resend"),
        ("support.case", "mark_solved"),
        ("support.case", "make_faq"),
    },
}


def offered(user: Any) -> set[tuple[str, str]]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return {
        (model._meta.label_lower, name)
        for model, model_admin in admin.site._registry.items()
        for name in model_admin.get_actions(request)
        if name != "delete_selected"
    }


@pytest.fixture
def world(stored_webhook: Any, settings: Any) -> World:
    settings.DEBUG = True  # even on a demo deployment, brand roles get no demo-only action
    return World(stored_webhook=stored_webhook)


@pytest.mark.parametrize("role", sorted(ROLE_ACTIONS))
def test_each_role_is_offered_exactly_its_actions(world, staff_of, brand, role):
    assert offered(staff_of(brand, role)) == ROLE_ACTIONS[role]


@pytest.mark.parametrize(("label", "action"), sorted(ACTIONS))
@pytest.mark.parametrize("role", sorted(ROLE_ACTIONS))
def test_a_role_runs_what_it_is_offered_and_cannot_force_the_rest(
    client, world, staff_of, brand, role, label, action, django_capture_on_commit_callbacks
):
    case = ACTIONS[(label, action)]
    ids = case.seed(brand, world)
    before = case.state(ids)
    client.force_login(staff_of(brand, role))
    with django_capture_on_commit_callbacks(execute=True):
        response = run(client, label, action, ids, case.extra)
    assert response.status_code in (200, 302, 403)
    if (label, action) in ROLE_ACTIONS[role]:
        case.effect(ids, before)
    else:
        assert case.state(ids) == before
