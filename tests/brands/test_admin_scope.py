"""Admin tenancy: staff of brand A never see, choose or write brand B's rows; roles grant what they say."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from brands.models import Brand, Membership, Role
from orders.models import Customer, Order, Product
from tests import factories

ROLES = [Role.OWNER, Role.RETURNS_MANAGER, Role.SUPPORT_AGENT]


@pytest.fixture
def two_tenants(brand, other_brand):
    """One order, customer and product per brand, with recognisable names."""
    mine = factories.OrderFactory(brand=brand, number="A-1", customer__email="mine@example.com")
    factories.OrderLineFactory(order=mine, product__title="Mine lamp", product__sku="MINE-1")
    theirs = factories.OrderFactory(brand=other_brand, number="B-1", customer__email="theirs@example.com")
    factories.OrderLineFactory(order=theirs, product__title="Theirs kettle", product__sku="THEIRS-1")
    return mine, theirs


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("role", ROLES)
def test_changelists_show_only_the_staff_brand(client, staff_of, brand, other_brand, two_tenants, role):
    mine, _theirs = two_tenants
    client.force_login(staff_of(brand, role))
    orders = client.get(changelist(Order))
    assert orders.status_code == 200
    assert list(orders.context["cl"].queryset) == [mine]
    html = orders.content.decode()
    assert "A-1" in html
    assert "B-1" not in html
    assert other_brand.name not in html  # not even in the brand filter sidebar

    customers = client.get(changelist(Customer))
    assert [c.email for c in customers.context["cl"].queryset] == ["mine@example.com"]
    products = client.get(changelist(Product))
    assert [p.sku for p in products.context["cl"].queryset] == ["MINE-1"]


@pytest.mark.parametrize("role", ROLES)
def test_other_brands_change_urls_are_unreachable(client, staff_of, brand, other_brand, two_tenants, role):
    _, theirs = two_tenants
    client.force_login(staff_of(brand, role))
    for obj in (theirs, theirs.customer, theirs.lines.get().product, other_brand):
        response = client.get(change(obj))
        # Django's admin answers a missing (here: out-of-scope) object with a redirect to the index.
        assert response.status_code in (302, 403, 404), obj
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index")
        assert str(obj) not in client.get(reverse("admin:index")).content.decode()


def test_owner_sees_and_edits_own_brand_only(client, staff_of, brand, other_brand):
    client.force_login(staff_of(brand, Role.OWNER))
    brands = client.get(changelist(Brand))
    assert list(brands.context["cl"].queryset) == [brand]
    assert client.get(change(brand)).status_code == 200


def test_fk_choices_exclude_other_brand(client, staff_of, brand, other_brand, two_tenants):
    client.force_login(staff_of(brand, Role.OWNER))
    add_product = client.get(reverse("admin:orders_product_add"))
    assert add_product.status_code == 200
    brand_choices = list(add_product.context["adminform"].form.fields["brand"].queryset)
    assert brand_choices == [brand]
    mine, _ = two_tenants
    order_form = client.get(change(mine)).context["adminform"].form
    assert list(order_form.fields["customer"].queryset) == [mine.customer]


def test_owner_cannot_save_a_product_into_another_brand(client, staff_of, brand, other_brand):
    client.force_login(staff_of(brand, Role.OWNER))
    response = client.post(
        reverse("admin:orders_product_add"),
        {
            "brand": other_brand.id,
            "sku": "SNEAK-1",
            "title": "Sneaky",
            "price": "1.00",
            "currency": "EUR",
            "returnable": "on",
            "in_stock": "on",
        },
    )
    assert response.status_code == 200  # the form again, with an error
    assert "brand" in response.context["adminform"].form.errors
    assert not Product.objects.filter(sku="SNEAK-1").exists()


def test_owner_cannot_move_an_order_to_another_brands_customer(client, staff_of, brand, two_tenants):
    mine, theirs = two_tenants
    client.force_login(staff_of(brand, Role.OWNER))
    form = client.get(change(mine)).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "customer": theirs.customer_id,
            "placed_at_0": "2026-11-01",
            "placed_at_1": "10:00:00",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-id": mine.lines.get().id,
            "lines-0-order": mine.id,
        }
    )
    data.pop("cancelled_at", None)
    response = client.post(change(mine), data)
    assert response.status_code == 200
    assert "customer" in response.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.customer.brand_id == brand.id


def test_owner_cannot_save_another_brands_customer(client, staff_of, brand, two_tenants):
    _, theirs = two_tenants
    client.force_login(staff_of(brand, Role.OWNER))
    response = client.post(change(theirs.customer), {"brand": brand.id, "email": "stolen@example.com"})
    assert response.status_code in (302, 403, 404)
    theirs.customer.refresh_from_db()
    assert theirs.customer.email == "theirs@example.com"
    assert theirs.customer.brand_id != brand.id


def test_superuser_sees_every_brand(admin_client, two_tenants):
    orders = admin_client.get(changelist(Order))
    assert {o.number for o in orders.context["cl"].queryset} == {"A-1", "B-1"}
    assert admin_client.get(changelist(Brand)).context["cl"].result_count == 2


def test_staff_without_membership_sees_nothing(client, two_tenants):
    user = factories.UserFactory(username="drifter", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(user)
    assert client.get(changelist(Order)).context["cl"].result_count == 0


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            Role.OWNER,
            {"orders.view_order", "brands.change_brand", "orders.change_customer"},
            {"brands.add_brand", "brands.delete_brand", "brands.add_apikey"},
        ),
        (
            Role.RETURNS_MANAGER,
            {"orders.view_order", "orders.view_customer"},
            {"brands.change_brand", "orders.change_order"},
        ),
        (
            Role.SUPPORT_AGENT,
            {"orders.view_order", "orders.view_customer", "orders.view_product"},
            {
                "brands.change_brand",
                "brands.view_integrationsecret",
                "orders.change_order",
                "orders.delete_order",
            },
        ),
    ],
)
def test_roles_grant_sensible_permissions(staff_of, brand, role, allowed, denied):
    user = staff_of(brand, role)
    assert user.is_staff
    assert all(user.has_perm(p) for p in allowed), [p for p in allowed if not user.has_perm(p)]
    assert not any(user.has_perm(p) for p in denied), [p for p in denied if user.has_perm(p)]


def test_support_agent_cannot_change_brand(client, staff_of, brand):
    client.force_login(staff_of(brand, Role.SUPPORT_AGENT))
    response = client.post(change(brand), {"name": "Renamed"})
    assert response.status_code == 403
    brand.refresh_from_db()
    assert brand.name == "Casa Verde"


def test_changing_a_role_drops_the_old_permissions(staff_of, brand):
    from brands.services import membership_grant

    user = staff_of(brand, Role.OWNER)
    membership_grant(user_id=user.id, brand=brand, role=Role.SUPPORT_AGENT)
    fresh = type(user).objects.get(id=user.id)
    assert Membership.objects.get(user=fresh).role == Role.SUPPORT_AGENT
    assert not fresh.has_perm("brands.change_brand")
    assert fresh.has_perm("orders.view_order")


def test_admin_shows_times_in_the_brand_time_zone(client, staff_of, brand, admin_client):
    from datetime import UTC, datetime

    factories.OrderFactory(brand=brand, number="TZ-1", placed_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    assert brand.timezone == "Europe/Bucharest"
    client.force_login(staff_of(brand, Role.SUPPORT_AGENT))
    html = client.get(changelist(Order)).content.decode()
    assert "1 Nov 2026, 11:00 EET" in html  # 09:00 UTC is 11:00 in Bucharest in November, zone named
    assert "1 Nov 2026, 09:00 UTC" in admin_client.get(changelist(Order)).content.decode()  # spans zones
