"""The team page: an owner invites by email, the invitee joins with a password and works at once;
owners change and remove teammates of their own brands only, and a brand keeps an owner."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from brands.models import Invitation, Membership, Role
from brands.services import membership_grant
from tests import factories

pytestmark = pytest.mark.django_db

TEAM = "/admin/team/"
GOOD_PASSWORD = "lantern-orchard-71"


@pytest.fixture
def owner(staff_of: Any, brand: Any) -> Any:
    return staff_of(brand, Role.OWNER, username="owner")


def invite(client: Any, brand: Any, email: str, role: str = Role.SUPPORT_AGENT, capture: Any = None) -> Any:
    data = {"do": "invite", "brand": brand.id, "email": email, "role": role}
    if capture is None:
        return client.post(TEAM, data)
    with capture(execute=True):
        return client.post(TEAM, data)


def link_in(message: Any) -> str:
    found = re.search(r"https?://\S+/admin/join/(\S+)/", message.body)
    assert found, message.body
    return f"/admin/join/{found.group(1)}/"


def test_an_invited_person_joins_and_works_at_once(client, owner, brand, django_capture_on_commit_callbacks):
    client.force_login(owner)
    response = invite(client, brand, "mara@example.com", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="mara@example.com")
    assert invitation.brand == brand
    assert invitation.role == Role.SUPPORT_AGENT
    assert invitation.invited_by == owner
    assert timezone.now() + timedelta(days=6) < invitation.expires_at < timezone.now() + timedelta(days=8)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mara@example.com"]
    link = link_in(mail.outbox[0])
    assert link.split("/")[-2] not in invitation.token_hash  # only the hash is stored

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Casa Verde" in page.content.decode()
    joined = client.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert joined.status_code == 302
    assert joined["Location"] == reverse("admin:index")

    user = get_user_model().objects.get(email="mara@example.com")
    assert user.is_staff
    assert not user.is_superuser
    assert user.check_password(GOOD_PASSWORD)
    assert Membership.objects.get(user=user).brand == brand
    assert Membership.objects.get(user=user).role == Role.SUPPORT_AGENT
    # Logged in, and the role's pages open.
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200
    assert client.get(reverse("admin:brands_brand_change", args=[brand.id])).status_code == 403


def test_a_link_works_once(client, owner, brand, django_capture_on_commit_callbacks):
    client.force_login(owner)
    invite(client, brand, "mara@example.com", capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    assert client.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}).status_code == 302
    client.logout()
    replay = client.post(link, {"password1": "another-pass-9812", "password2": "another-pass-9812"})
    assert replay.status_code == 404
    user = get_user_model().objects.get(email="mara@example.com")
    assert user.check_password(GOOD_PASSWORD)
    assert get_user_model().objects.filter(email="mara@example.com").count() == 1


def test_an_expired_or_forged_link_creates_nobody(client, owner, brand, django_capture_on_commit_callbacks):
    client.force_login(owner)
    invite(client, brand, "mara@example.com", capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    passwords = {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    assert client.get(link).status_code == 404
    assert client.post(link, passwords).status_code == 404
    assert (
        client.post("/admin/join/forged-token-abcdefghijklmnopqrstuvwxyz012345/", passwords).status_code
        == 404
    )
    assert client.post("/admin/join/" + "x" * 5000 + "/", passwords).status_code == 404
    assert not get_user_model().objects.filter(email="mara@example.com").exists()


def test_a_weak_or_mismatched_password_is_refused_and_the_link_stays_open(
    client, owner, brand, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    invite(client, brand, "mara@example.com", capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    weak = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    assert weak.context["form"].errors
    differ = client.post(link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})
    assert differ.status_code == 200
    assert differ.context["form"].errors
    huge = client.post(link, {"password1": "p" * 5000, "password2": "p" * 5000})
    assert huge.status_code == 200
    assert huge.context["form"].errors
    assert not get_user_model().objects.filter(email="mara@example.com").exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_an_existing_account_adds_the_membership(
    client, owner, brand, other_brand, django_capture_on_commit_callbacks
):
    elsewhere = factories.UserFactory(username="ilona", email="ilona@example.com")
    membership_grant(user_id=elsewhere.id, brand=other_brand, role=Role.OWNER)
    client.force_login(owner)
    invite(
        client, brand, "ILONA@example.com", Role.RETURNS_MANAGER, capture=django_capture_on_commit_callbacks
    )
    assert not Invitation.objects.exists()
    assert Membership.objects.get(user=elsewhere, brand=brand).role == Role.RETURNS_MANAGER
    assert Membership.objects.get(user=elsewhere, brand=other_brand).role == Role.OWNER
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ilona@example.com"]


def test_malformed_and_oversized_invitations_are_refused(client, owner, brand):
    client.force_login(owner)
    assert invite(client, brand, "not-an-email").status_code == 200
    assert invite(client, brand, "a" * 300 + "@example.com").status_code == 200
    assert invite(client, brand, "mara@example.com", role="superuser").status_code == 200
    assert client.post(TEAM, {"do": "launch"}).status_code == 400
    assert client.post(TEAM, {"do": "remove", "membership": "abc"}).status_code == 404
    assert client.post(TEAM, {"do": "remove", "membership": str(10**30)}).status_code == 404
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.RETURNS_MANAGER])
def test_a_non_owner_cannot_open_the_team_or_invite(client, staff_of, brand, role):
    member = staff_of(brand, role)
    client.force_login(member)
    assert client.get(TEAM).status_code == 403
    assert invite(client, brand, "mara@example.com").status_code == 403
    teammate = staff_of(brand, Role.OWNER)
    only = Membership.objects.get(user=teammate)
    assert client.post(TEAM, {"do": "remove", "membership": only.id}).status_code == 403
    assert client.post(TEAM, {"do": "role", "membership": only.id, "role": role}).status_code == 403
    assert not Invitation.objects.exists()
    assert Membership.objects.get(id=only.id).role == Role.OWNER


def test_an_owner_changes_and_removes_teammates(client, owner, staff_of, brand):
    agent = staff_of(brand, Role.SUPPORT_AGENT)
    membership = Membership.objects.get(user=agent)
    client.force_login(owner)
    page = client.get(TEAM)
    assert page.status_code == 200
    assert agent.username in page.content.decode()

    assert (
        client.post(
            TEAM, {"do": "role", "membership": membership.id, "role": Role.RETURNS_MANAGER}
        ).status_code
        == 302
    )
    assert Membership.objects.get(id=membership.id).role == Role.RETURNS_MANAGER

    assert client.post(TEAM, {"do": "remove", "membership": membership.id}).status_code == 302
    assert not Membership.objects.filter(id=membership.id).exists()
    agent.refresh_from_db()
    assert not agent.is_staff  # no brand left: no console either


def test_the_last_owner_is_neither_demoted_nor_removed(client, owner, staff_of, brand):
    mine = Membership.objects.get(user=owner)
    client.force_login(owner)
    client.post(TEAM, {"do": "role", "membership": mine.id, "role": Role.SUPPORT_AGENT})
    client.post(TEAM, {"do": "remove", "membership": mine.id})
    assert Membership.objects.get(id=mine.id).role == Role.OWNER
    # With a second owner, one of them may step down.
    staff_of(brand, Role.OWNER)
    client.post(TEAM, {"do": "role", "membership": mine.id, "role": Role.SUPPORT_AGENT})
    assert Membership.objects.get(id=mine.id).role == Role.SUPPORT_AGENT


def test_an_owner_touches_no_other_brands_team(
    client, owner, staff_of, brand, other_brand, django_capture_on_commit_callbacks
):
    theirs = Membership.objects.get(user=staff_of(other_brand, Role.SUPPORT_AGENT))
    their_invitation = Invitation.objects.create(
        brand=other_brand,
        email="x@example.com",
        role=Role.OWNER,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    client.force_login(owner)
    page = client.get(TEAM).content.decode()
    assert "Northwind" not in page
    assert "x@example.com" not in page
    assert client.post(TEAM, {"do": "role", "membership": theirs.id, "role": Role.OWNER}).status_code == 404
    assert client.post(TEAM, {"do": "remove", "membership": theirs.id}).status_code == 404
    assert client.post(TEAM, {"do": "revoke", "invitation": their_invitation.id}).status_code == 404
    assert (
        invite(
            client, other_brand, "mara@example.com", capture=django_capture_on_commit_callbacks
        ).status_code
        == 200
    )
    assert Membership.objects.get(id=theirs.id).role == Role.SUPPORT_AGENT
    assert Invitation.objects.get(id=their_invitation.id).expires_at > timezone.now()
    assert not Invitation.objects.filter(email="mara@example.com").exists()
    assert len(mail.outbox) == 0


def test_an_owner_here_who_supports_there_manages_only_here(
    client, owner, staff_of, brand, other_brand, django_capture_on_commit_callbacks
):
    membership_grant(user_id=owner.id, brand=other_brand, role=Role.SUPPORT_AGENT)
    theirs = Membership.objects.get(user=staff_of(other_brand, Role.SUPPORT_AGENT))
    client.force_login(owner)
    assert client.post(TEAM, {"do": "remove", "membership": theirs.id}).status_code == 404
    assert (
        invite(
            client, other_brand, "mara@example.com", capture=django_capture_on_commit_callbacks
        ).status_code
        == 200
    )
    assert Membership.objects.filter(id=theirs.id).exists()
    assert not Invitation.objects.exists()


def test_withdrawing_an_invitation_kills_its_link(client, owner, brand, django_capture_on_commit_callbacks):
    client.force_login(owner)
    invite(client, brand, "mara@example.com", capture=django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()
    assert client.post(TEAM, {"do": "revoke", "invitation": invitation.id}).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404


def test_the_team_page_reads_a_bounded_number_of_queries(
    client, owner, staff_of, brand, django_assert_max_num_queries
):
    for _ in range(15):
        staff_of(brand, Role.SUPPORT_AGENT)
    for number in range(10):
        Invitation.objects.create(
            brand=brand,
            email=f"p{number}@example.com",
            role=Role.SUPPORT_AGENT,
            token_hash=f"{number:064d}",
            expires_at=timezone.now() + timedelta(days=7),
        )
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get(TEAM)
    assert response.status_code == 200
    assert response.content.decode().count('name="do" value="remove"') == 16
