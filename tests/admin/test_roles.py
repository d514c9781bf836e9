"""Which role is offered which admin action, and that what a role is not offered it cannot force.

ROLE_ACTIONS is the intended matrix; every action of tests/admin/test_actions.py's table is run by
every role on its own brand's objects: offered → the effect happens; not offered → nothing changes.
A role holds only in its own brand: the owner of one brand who supports another is a support agent
there, for actions, change forms and deletions alike.
"""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from brands.models import Role
from brands.services import membership_grant
from tests import factories
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


@pytest.fixture
def owner_here_agent_there(staff_of: Any, brand: Any, other_brand: Any) -> Any:
    """One person: owner of `brand`, support agent of `other_brand`."""
    user = staff_of(brand, Role.OWNER)
    membership_grant(user_id=user.id, brand=other_brand, role=Role.SUPPORT_AGENT)
    return type(user).objects.get(pk=user.pk)


def test_roles_are_no_longer_groups(owner_here_agent_there):
    assert not owner_here_agent_there.groups.exists()
    assert not Group.objects.filter(name__startswith="postpurchase:").exists()


def test_a_role_answers_for_its_own_brand_only(owner_here_agent_there, brand, other_brand):
    user = owner_here_agent_there
    assert user.has_perm("brands.change_brand", brand)
    assert not user.has_perm("brands.change_brand", other_brand)
    assert user.has_perm("orders.view_customer", other_brand)
    # Without an object the admin asks "in some brand?": the list and its buttons are shown.
    assert user.has_perm("returns.change_return")


@pytest.mark.parametrize(("label", "action"), [("returns.return", "approve"), ("returns.return", "reject")])
def test_a_dangerous_action_is_refused_in_the_brand_one_only_supports(
    client,
    world,
    owner_here_agent_there,
    brand,
    other_brand,
    label,
    action,
    django_capture_on_commit_callbacks,
):
    case = ACTIONS[(label, action)]
    theirs = case.seed(other_brand, world)
    ours = case.seed(brand, world)
    before_theirs, before_ours = case.state(theirs), case.state(ours)
    client.force_login(owner_here_agent_there)

    with django_capture_on_commit_callbacks(execute=True):
        refused = run(client, label, action, theirs, case.extra)
    assert refused.status_code in (200, 302, 403)
    assert case.state(theirs) == before_theirs

    # Both brands' rows in one go: only the brand where the role allows it moves.
    with django_capture_on_commit_callbacks(execute=True):
        run(client, label, action, theirs + ours, case.extra)
    assert case.state(theirs) == before_theirs
    case.effect(ours, before_ours)


def test_an_action_both_roles_allow_runs_in_both_brands(
    client, world, owner_here_agent_there, brand, other_brand, django_capture_on_commit_callbacks
):
    case = ACTIONS[("support.case", "mark_solved")]
    theirs, ours = case.seed(other_brand, world), case.seed(brand, world)
    before_theirs, before_ours = case.state(theirs), case.state(ours)
    client.force_login(owner_here_agent_there)
    with django_capture_on_commit_callbacks(execute=True):
        run(client, "support.case", "mark_solved", theirs + ours, case.extra)
    case.effect(theirs, before_theirs)
    case.effect(ours, before_ours)


def test_a_change_form_is_read_only_and_a_post_refused_where_one_only_supports(
    client, owner_here_agent_there, brand, other_brand
):
    theirs = factories.CustomerFactory(brand=other_brand, email="theirs@example.com", first_name="Ana")
    ours = factories.CustomerFactory(brand=brand, email="ours@example.com", first_name="Ion")
    client.force_login(owner_here_agent_there)

    def url(customer: Any) -> str:
        return reverse("admin:orders_customer_change", args=[customer.id])

    shown = client.get(url(theirs))
    assert shown.status_code == 200
    assert shown.context["has_change_permission"] is False

    payload = {"email": "hijacked@example.com", "first_name": "Mallory", "phone": "", "locale": "en"}
    assert client.post(url(theirs), {**payload, "brand": other_brand.id}).status_code == 403
    theirs.refresh_from_db()
    assert (theirs.email, theirs.first_name) == ("theirs@example.com", "Ana")

    assert client.get(url(ours)).context["has_change_permission"] is True


def test_deleting_is_refused_where_one_only_supports(client, owner_here_agent_there, brand, other_brand):
    from support.models import CannedAnswer

    theirs = CannedAnswer.objects.create(brand=other_brand, locale="en", title="Theirs", body="Hi.")
    ours = CannedAnswer.objects.create(brand=brand, locale="en", title="Ours", body="Hello.")
    client.force_login(owner_here_agent_there)

    delete_url = reverse("admin:support_cannedanswer_delete", args=[theirs.id])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:support_cannedanswer_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [theirs.id], "post": "yes"})
    assert CannedAnswer.objects.filter(id=theirs.id).exists()

    done = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [ours.id], "post": "yes"}
    )
    assert done.status_code == 302
    assert not CannedAnswer.objects.filter(id=ours.id).exists()


def test_a_new_row_cannot_be_saved_into_the_brand_one_only_supports(
    client, owner_here_agent_there, brand, other_brand
):
    from orders.models import Product

    client.force_login(owner_here_agent_there)
    add = reverse("admin:orders_product_add")
    form = {"sku": "MUG-1", "title": "Mug", "price": "10.00", "currency": "RON", "category": "home"}
    response = client.post(add, {**form, "brand": other_brand.id})
    assert response.status_code in (200, 403)
    assert not Product.objects.filter(brand=other_brand).exists()
    assert client.post(add, {**form, "brand": brand.id}).status_code == 302
    assert Product.objects.filter(brand=brand, sku="MUG-1").exists()


def test_an_inline_adds_rows_only_under_a_parent_where_the_role_allows(
    owner_here_agent_there, brand, other_brand, monkeypatch
):
    from brands.admin_scope import BrandScopedTabularInline
    from brands.services import ROLE_PERMISSIONS
    from orders.models import Order, OrderLine

    owner_orders = ROLE_PERMISSIONS[Role.OWNER]["orders"]
    monkeypatch.setitem(ROLE_PERMISSIONS[Role.OWNER], "orders", (*owner_orders, "add_orderline"))

    class LinesInline(BrandScopedTabularInline):
        model = OrderLine

    inline = LinesInline(Order, admin.site)
    request = RequestFactory().get("/admin/")
    request.user = type(owner_here_agent_there).objects.get(pk=owner_here_agent_there.pk)
    ours = factories.OrderFactory(brand=brand, customer=factories.CustomerFactory(brand=brand))
    theirs = factories.OrderFactory(brand=other_brand, customer=factories.CustomerFactory(brand=other_brand))
    assert inline.has_add_permission(request, ours)
    assert not inline.has_add_permission(request, theirs)
