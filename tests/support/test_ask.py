"""Ask us: a case with the order when the shopper came from tracking, a confirmation in their
language, and every kind of bad input refused with nothing written."""

import pytest
from django.core import mail

from support.models import Case, CaseMessage
from tests import factories

ASK = "/casa-verde/help/ask/"


def form(**overrides):
    data = {
        "name": "Ioana Popescu",
        "email": "ioana@example.com",
        "subject": "Pot schimba adresa?",
        "message": "Bună! Pot schimba adresa de livrare pentru comanda mea?",
        "website": "",
        "tracking": "",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_a_question_opens_a_case_and_confirms_in_the_shoppers_language(
    client, brand, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK + "?lang=ro", form())
    assert response.status_code == 200
    html = response.content.decode()
    case = Case.objects.get()
    assert case.kind == "question"
    assert case.status == "new"
    assert case.customer == customer
    assert case.locale == "ro"
    assert case.order is None
    assert case.reference in html
    assert f"/casa-verde/help/case/{case.token}/" in html
    assert [m.body for m in case.messages.all()] == [form()["message"]]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ioana@example.com"]
    # No tracking link vouched for the address: the confirmation quotes nothing and asks to confirm it.
    assert sent.subject == f"Am primit un mesaj pentru asistența Casa Verde [{case.reference}]"
    assert f"/casa-verde/help/case/{case.token}/confirm/" in sent.body
    assert form()["subject"] not in sent.body


@pytest.mark.django_db
def test_coming_from_a_tracking_page_attaches_the_order_and_prefills(client, brand, order):
    response = client.get(ASK, {"t": order.tracking_token})
    html = response.content.decode()
    assert f"#{order.number}" in html
    assert 'value="ioana@example.com"' in html
    client.post(ASK, form(tracking=order.tracking_token))
    case = Case.objects.get()
    assert case.order == order
    assert case.customer == order.customer


@pytest.mark.django_db
def test_a_new_shopper_becomes_a_customer_without_touching_known_ones(client, brand, customer):
    client.post(ASK, form(email="Someone.New@Example.com", name="Mara"))
    client.post(ASK, form(email="IOANA@example.com", name="Not Ioana"))
    new, known = Case.objects.order_by("id")
    assert new.customer.email == "someone.new@example.com"
    assert new.customer.first_name == "Mara"
    assert known.customer == customer
    customer.refresh_from_db()
    assert customer.first_name != "Not"


@pytest.mark.django_db
def test_another_brands_tracking_token_attaches_nothing(client, brand, other_brand):
    foreign = factories.OrderFactory(brand=other_brand, customer=factories.CustomerFactory(brand=other_brand))
    response = client.get(ASK, {"t": foreign.tracking_token})
    assert f"#{foreign.number}" not in response.content.decode()
    client.post(ASK, form(tracking=foreign.tracking_token))
    case = Case.objects.get()
    assert case.order is None
    assert case.customer.brand == brand


@pytest.mark.django_db
def test_script_tags_are_kept_as_text_and_shown_escaped(client, brand, agent):
    client.post(ASK, form(subject="<script>alert(1)</script>", message="<img src=x onerror=alert(1)> help"))
    case = Case.objects.get()
    assert case.subject == "<script>alert(1)</script>"
    page = client.get(f"/casa-verde/help/case/{case.token}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    client.force_login(agent)
    admin_page = client.get(f"/admin/support/case/{case.id}/change/").content.decode()
    assert "<img src=x" not in admin_page
    assert "&lt;img src=x" in admin_page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"message": "x" * 1_000_000},  # a megabyte of text
        {"message": ""},
        {"message": "   "},
        {"subject": "s" * 151},
        {"email": "not-an-email"},
        {"name": ""},
        {"message": "hello\x00world"},
    ],
    ids=["1MB", "empty", "blank", "long-subject", "bad-email", "no-name", "nul"],
)
def test_bad_questions_are_refused_and_nothing_is_written(client, brand, overrides):
    response = client.post(ASK, form(**overrides))
    assert response.status_code == 400
    assert 'class="field__error"' in response.content.decode()
    assert Case.objects.count() == 0
    assert CaseMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_filled_honeypot_looks_like_success_and_writes_nothing(client, brand):
    response = client.post(ASK, form(website="http://spam.example"))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_flood_from_one_client_is_stopped(client, brand):
    codes = [client.post(ASK, form(subject=f"Question {n}")).status_code for n in range(8)]
    assert codes[:5] == [200] * 5
    assert codes[5:] == [429] * 3
    assert Case.objects.count() == 5


@pytest.mark.django_db
def test_an_unknown_brand_is_not_found(client, brand):
    assert client.get("/no-such-brand/help/ask/").status_code == 404
    assert client.post("/no-such-brand/help/ask/", form()).status_code == 404
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_asking_needs_the_csrf_token(brand):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(ASK, form()).status_code == 403
    assert Case.objects.count() == 0
