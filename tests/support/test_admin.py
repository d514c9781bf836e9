"""Support staff in the admin: their brand's queue only, answering from the case, FAQ sanitized."""

import pytest
from django.core import mail

from brands.models import Role
from support import services
from support.models import Case, CaseStatus, FaqArticle, FaqCategory
from tests.support.conftest import staff

pytestmark = pytest.mark.django_db


def change_url(case):
    return f"/admin/support/case/{case.id}/change/"


def change_form(case, **fields):
    return {
        "status": case.status,
        "priority": case.priority,
        "assignee": "",
        "canned": "",
        "reply": "",
        "reply_by_sms": "",
        "note": "",
        **fields,
    }


def test_an_agent_sees_only_their_brands_cases(client, brand, other_brand, agent, question):
    foreign, _ = services.case_open(
        brand=other_brand,
        data=services.CaseInput(
            kind="question", subject="Where is my order?", body="?", email="z@example.com"
        ),
    )
    client.force_login(agent)
    listing = client.get("/admin/support/case/").content.decode()
    assert question.subject in listing
    assert "Where is my order?" not in listing
    # Brand B's case, opened by URL: as if it did not exist, and a post changes nothing.
    assert client.get(change_url(foreign)).status_code == 302
    response = client.post(change_url(foreign), change_form(foreign, reply="Hello from the wrong brand"))
    assert response.status_code == 302
    assert foreign.messages.count() == 1
    assert mail.outbox == []


def test_an_agent_answers_from_the_case_and_the_shopper_gets_it(
    client, brand, agent, question, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    page = client.get(change_url(question)).content.decode()
    assert f"Order #{question.order.number}" in page
    assert "Bună, comanda mea nu a ajuns încă." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(question), change_form(question, reply="Coletul pleacă mâine."))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Coletul pleacă mâine." in mail.outbox[0].body
    assert mail.outbox[0].to == [question.customer.email]
    question.refresh_from_db()
    assert question.status == CaseStatus.WAITING
    assert question.assignee == agent
    page = client.get(change_url(question)).content.decode()
    assert "Coletul pleacă mâine." in page
    assert "support_reply" in page


def test_a_canned_answer_is_sent_when_the_reply_is_left_empty(client, brand, agent, question):
    services.help_centre_starter_install(brand=brand)
    canned = brand.canned_answers.get(locale="ro", title="Am deschis o anchetă la curier")
    client.force_login(agent)
    client.post(change_url(question), change_form(question, canned=canned.id, status=CaseStatus.SOLVED))
    question.refresh_from_db()
    assert question.messages.last().body == canned.body
    assert question.status == CaseStatus.SOLVED


def test_an_illegal_status_move_is_refused(client, brand, agent, question):
    Case.objects.filter(id=question.id).update(status=CaseStatus.CLOSED)
    question.refresh_from_db()
    client.force_login(agent)
    response = client.post(change_url(question), change_form(question, status=CaseStatus.SOLVED))
    assert response.status_code == 200
    assert "cannot move" in response.content.decode()
    question.refresh_from_db()
    assert question.status == CaseStatus.CLOSED


def test_an_assignee_must_be_of_the_cases_brand(client, brand, agent, other_agent, question):
    client.force_login(agent)
    response = client.post(change_url(question), change_form(question, assignee=other_agent.id))
    assert response.status_code == 200  # not a valid choice
    question.refresh_from_db()
    assert question.assignee is None


def test_turning_an_answer_into_an_faq_opens_the_draft(client, brand, agent, question):
    services.case_reply(case_id=question.id, staff_id=agent.id, body="Se poate, până la expediere.")
    client.force_login(agent)
    response = client.post("/admin/support/case/", {"action": "make_faq", "_selected_action": [question.id]})
    draft = FaqArticle.objects.get(from_case=question)
    assert response.status_code == 302
    assert response.url == f"/admin/support/faqarticle/{draft.id}/languages/"
    assert draft.published is False


def test_an_agent_may_work_cases_and_faq_but_not_returns_or_brand_settings(client, brand, agent):
    client.force_login(agent)
    assert client.get("/admin/support/case/").status_code == 200
    assert client.get("/admin/support/faqarticle/").status_code == 200
    assert client.get("/admin/support/faqarticle/add/").status_code == 200
    assert client.get("/admin/support/case/add/").status_code == 403
    assert client.get("/admin/brands/brand/").status_code == 403
    assert client.get("/admin/returns/returnpolicy/").status_code == 403


def test_a_returns_manager_may_read_cases_but_not_answer(client, brand, question):
    manager = staff(brand, Role.RETURNS_MANAGER, "rita-returns")
    client.force_login(manager)
    assert client.get(change_url(question)).status_code == 200
    client.post(change_url(question), change_form(question, reply="Not my job"))
    assert question.messages.count() == 1


def test_faq_html_is_sanitized_on_save_from_the_admin(client, brand, agent):
    category = FaqCategory.objects.create(brand=brand, locale="en", title="Delivery", slug="delivery")
    client.force_login(agent)
    body = (
        '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<a href="https://shop.example/help">help</a><img src="https://cdn.example/a.png" onerror="x()">'
        "<style>p{}</style><iframe src=https://evil.example></iframe></p>"
    )
    response = client.post(
        "/admin/support/faqarticle/add/",
        {
            "brand": brand.id,
            "category": category.id,
            "locale": "en",
            "title": "Late?",
            "slug": "",
            "body": body,
            "position": 0,
            "published": "on",
        },
    )
    assert response.status_code == 302
    saved = FaqArticle.objects.get(title="Late?")
    assert "script" not in saved.body
    assert "onclick" not in saved.body
    assert "onerror" not in saved.body
    assert "javascript:" not in saved.body
    assert "iframe" not in saved.body
    assert "style" not in saved.body
    assert '<a href="https://shop.example/help" rel="noopener noreferrer nofollow">help</a>' in saved.body
    assert saved.slug == "late"


def test_an_agent_cannot_file_an_faq_under_another_brand(client, brand, other_brand, agent):
    foreign = FaqCategory.objects.create(brand=other_brand, locale="en", title="Theirs", slug="theirs")
    client.force_login(agent)
    response = client.post(
        "/admin/support/faqarticle/add/",
        {
            "brand": other_brand.id,
            "category": foreign.id,
            "locale": "en",
            "title": "Mine",
            "body": "<p>x</p>",
            "position": 0,
        },
    )
    assert response.status_code == 200  # brand and category are not valid choices
    assert not FaqArticle.objects.filter(title="Mine").exists()


def test_the_help_figures_show_above_the_answers(client, brand, agent):
    services.help_centre_starter_install(brand=brand)
    article = FaqArticle.objects.filter(brand=brand).first()
    services.article_viewed(article_id=article.id)
    services.article_vote(article_id=article.id, helpful=True)
    client.force_login(agent)
    page = client.get("/admin/support/faqarticle/").content.decode()
    assert "1 answer views" in page
    assert "100% found helpful" in page


def test_a_merchant_may_reword_the_support_reply_with_its_own_values(admin_client, brand):
    from notifications.models import MessageTemplate

    form = {"brand": brand.id, "trigger": "support_reply", "channel": "email", "locale": "en"}
    good = {**form, "subject": "About {{ case_subject }}", "body": "{{ reply }} — see {{ case_url }}"}
    assert admin_client.post("/admin/notifications/messagetemplate/add/", good).status_code == 302
    bad = {**form, "locale": "ro", "subject": "x", "body": "{{ no_such_value }}"}
    response = admin_client.post("/admin/notifications/messagetemplate/add/", bad)
    assert "uses variables this message does not have: no_such_value" in response.content.decode()
    assert list(MessageTemplate.objects.values_list("locale", flat=True)) == ["en"]
