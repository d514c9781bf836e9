"""Staff are told what waits for them: sidebar badges per brand and role, and an hourly email digest."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from brands.models import Role
from brands.services import membership_grant
from returns.models import Return
from support import attention, digest, services
from support.models import CaseStatus, StaffDigest
from tests.admin.test_actions import _return
from tests.support.conftest import staff

pytestmark = pytest.mark.django_db


def open_case(brand: Any, subject: str = "Unde este coletul?", email: str = "s@example.com") -> Any:
    case, _ = services.case_open(
        brand=brand, data=services.CaseInput(kind="question", subject=subject, body="?", email=email)
    )
    return case


def badge_request(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def digest_hour(offset_hours: int = 1) -> Any:
    """A beat run in the next hour: the digest covers up to the top of that hour."""
    return timezone.now() + timedelta(hours=offset_hours)


def test_badges_count_only_the_brands_and_work_a_role_handles(
    brand, other_brand, agent, other_agent, django_assert_num_queries
):
    open_case(brand)
    open_case(brand, subject="Second")
    solved = open_case(brand, subject="Solved")
    services.case_status_set(case_id=solved.id, status=CaseStatus.SOLVED)
    open_case(other_brand)
    _return(brand)  # requested: waits for the returns manager
    manager = staff(brand, Role.RETURNS_MANAGER, "rita-returns")
    with django_assert_num_queries(1):
        assert attention.cases_waiting_count(user=agent) == 2
    assert attention.cases_waiting_count(user=other_agent) == 1
    assert attention.cases_waiting_count(user=manager) == 0  # a returns manager does not work cases
    with django_assert_num_queries(1):
        assert attention.returns_waiting_count(user=manager) == 1
    assert attention.returns_waiting_count(user=agent) == 0
    assert attention.returns_waiting_count(user=other_agent) == 0


def test_a_badge_is_cached_briefly_and_empty_when_nothing_waits(brand, agent, django_assert_num_queries):
    assert attention.cases_badge(badge_request(agent)) == ""
    open_case(brand)
    assert attention.cases_badge(badge_request(agent)) == ""  # the minute's cached figure
    cached_request = badge_request(agent)
    with django_assert_num_queries(0):
        attention.cases_badge(cached_request)


def sidebar_link(page: str, href: str) -> str:
    """The text of the sidebar link to `href`, whitespace collapsed: "support_agent Cases 2"."""
    start = page.index(f'<a href="{href}"')
    return " ".join(re.sub(r"<[^>]+>", " ", page[start : page.index("</a>", start)]).split())


def test_the_sidebar_shows_each_persons_badges(client, brand, other_brand, agent, other_agent):
    open_case(brand)
    open_case(brand, subject="Second")
    _return(brand)
    client.force_login(agent)
    page = client.get("/admin/support/case/").content.decode()
    assert sidebar_link(page, "/admin/support/case/") == "support_agent Cases 2"
    client.force_login(other_agent)
    page = client.get("/admin/support/case/").content.decode()
    assert sidebar_link(page, "/admin/support/case/") == "support_agent Cases"  # nothing waits: no badge
    owner = staff(brand, Role.OWNER, "olga-owner")
    client.force_login(owner)
    page = client.get("/admin/").content.decode()
    assert sidebar_link(page, "/admin/returns/return/") == "assignment_return Returns 1"


def test_the_digest_is_sent_once_in_the_readers_language(brand, agent, django_capture_on_commit_callbacks):
    digest.digest_preference_set(user_id=agent.id, enabled=True, language="pl")
    open_case(brand)
    open_case(brand, subject="Second")
    run_at = digest_hour()
    with django_capture_on_commit_callbacks(execute=True):
        written = digest.staff_digests_write(now=run_at)
    assert len(written) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [agent.email]
    assert message.subject == "2 nowe sprawy czekają na Ciebie w konsoli"
    assert "Casa Verde" in message.body
    assert "2 nowe zgłoszenia" in message.body
    assert f"/admin/support/case/?brand__id__exact={brand.id}" in message.body
    # The same hour again, and the task run twice: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.staff_digests_write(now=run_at) == []
    assert digest.staff_digest_send(digest_id=written[0]) is False
    assert len(mail.outbox) == 1
    # The next hour with nothing new: nothing written, nothing sent.
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.staff_digests_write(now=digest_hour(2)) == []
    assert len(mail.outbox) == 1


def test_the_digest_reports_shopper_replies_since_the_last_one(
    brand, agent, django_capture_on_commit_callbacks
):
    case = open_case(brand)
    with django_capture_on_commit_callbacks(execute=True):
        digest.staff_digests_write(now=digest_hour())
    StaffDigest.objects.update(covered_until=timezone.now())  # as if sent just now
    services.case_shopper_reply(case_id=case.id, body="Any news?")
    with django_capture_on_commit_callbacks(execute=True):
        digest.staff_digests_write(now=digest_hour())
    assert len(mail.outbox) == 2
    assert "1 răspuns de la un cumpărător" in mail.outbox[1].body
    assert "caz nou" not in mail.outbox[1].body


def test_the_digest_falls_back_to_the_brands_language(brand, agent, django_capture_on_commit_callbacks):
    open_case(brand)  # Casa Verde speaks Romanian
    with django_capture_on_commit_callbacks(execute=True):
        digest.staff_digests_write(now=digest_hour())
    assert mail.outbox[0].subject == "1 lucru nou te așteaptă în consolă"


def test_each_person_gets_only_their_brands_and_roles(
    brand, other_brand, agent, other_agent, django_capture_on_commit_callbacks
):
    open_case(brand)
    return_id = _return(other_brand)
    Return.objects.filter(id=return_id).update(requested_at=timezone.now())
    manager = staff(other_brand, Role.RETURNS_MANAGER, "rita-returns")
    membership_grant(user_id=manager.id, brand=brand, role=Role.RETURNS_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        digest.staff_digests_write(now=digest_hour())
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {agent.email, manager.email}  # the other brand's agent has nothing new
    assert "Northwind" not in by_person[agent.email].body
    assert "Northwind" in by_person[manager.email].body
    assert "/admin/returns/return/" in by_person[manager.email].body
    assert "/admin/support/case/?" not in by_person[manager.email].body  # not a case worker


def test_a_staff_member_turns_the_digest_off(client, brand, agent, django_capture_on_commit_callbacks):
    client.force_login(agent)
    assert client.get("/admin/support/staffdigestpreference/").status_code == 200
    response = client.post("/admin/support/staffdigestpreference/", {"language": "ro"})  # switch left off
    assert response.status_code == 302
    open_case(brand)
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.staff_digests_write(now=digest_hour()) == []
    assert mail.outbox == []
    assert not StaffDigest.objects.exists()


def test_the_digest_settings_refuse_an_unknown_language(client, agent):
    client.force_login(agent)
    response = client.post("/admin/support/staffdigestpreference/", {"enabled": "on", "language": "xx"})
    assert response.status_code == 200
    assert not agent.__class__.objects.filter(digest_preference__isnull=False).exists()


def test_answering_a_case_refreshes_the_agents_own_badge(client, brand, agent):
    case = open_case(brand)
    assert attention.cases_badge(badge_request(agent)) == "1"
    client.force_login(agent)
    client.post(
        f"/admin/support/case/{case.id}/change/",
        {"status": case.status, "priority": case.priority, "assignee": "", "reply": "It left today."},
    )
    assert attention.cases_badge(badge_request(agent)) == ""  # waiting on the shopper now
