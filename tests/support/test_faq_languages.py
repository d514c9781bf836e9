"""An answer becomes an FAQ draft without the shopper in it, and is edited in four languages side by side."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from brands.models import Role
from support import faq_languages, services
from support.faq_languages import ArticleTranslation
from support.models import FaqArticle, FaqCategory
from support.redact import redact_shopper
from tests.support.conftest import staff

pytestmark = pytest.mark.django_db

GREETING_REPLY = (
    "Bună Ioana,\n\n"
    "Comanda ta #1001 a plecat azi din depozit și ajunge în 2-3 zile lucrătoare. "
    "Dacă nu ajunge, sună-ne la 0712 345 678 sau scrie la ioana@example.com.\n\n"
    "O zi bună!"
)


def languages_url(article: Any) -> str:
    return f"/admin/support/faqarticle/{article.id}/languages/"


def columns(**by_locale: dict[str, Any]) -> dict[str, Any]:
    """The side-by-side form's POST data: every language empty unless given."""
    data: dict[str, Any] = {}
    for locale in faq_languages.SIDE_BY_SIDE_LOCALES:
        fields = {"title": "", "category": "", "body": "", **by_locale.get(locale, {})}
        for name, value in fields.items():
            if name == "published" and not value:
                continue
            data[f"{locale}-{name}"] = value
    return data


@pytest.fixture
def shopper_named(question: Any) -> Any:
    customer = question.customer
    customer.first_name, customer.last_name, customer.phone = "Ioana", "Popescu", "+40712345678"
    customer.save(update_fields=["first_name", "last_name", "phone"])
    question.name = "Ioana Popescu"
    question.save(update_fields=["name"])
    return question


@pytest.fixture
def draft(shopper_named: Any, agent: Any) -> FaqArticle:
    services.case_reply(case_id=shopper_named.id, staff_id=agent.id, body=GREETING_REPLY)
    return services.faq_from_case(case_id=shopper_named.id)


def test_redaction_takes_names_order_numbers_phones_and_addresses_and_keeps_the_rest():
    text = redact_shopper(
        "Hi Ioana, your order no. 1001 left on 2026-12-01; call +40 712 345 678 or mail ioana@example.com. "
        "Returns take 3-5 days.",
        names=["Ioana Popescu"],
        order_numbers=["1001"],
    )
    assert text == "Hi, your order left on 2026-12-01; call or mail. Returns take 3-5 days."


def test_a_draft_from_an_answer_has_no_name_email_phone_or_order_number(draft, shopper_named):
    assert draft.published is False
    assert draft.locale == "ro"
    assert draft.translation_key
    for leaked in ("Ioana", "Popescu", "1001", "0712", "345 678", "ioana@example.com"):
        assert leaked not in draft.body
        assert leaked not in draft.title
    assert draft.body.startswith("<p>Bună,</p><p>Comanda ta a plecat azi din depozit")
    assert "2-3 zile lucrătoare" in draft.body
    assert draft.body.endswith("<p>O zi bună!</p>")


def test_send_and_publish_as_faq_answers_then_opens_the_draft_in_four_languages(client, agent, shopper_named):
    client.force_login(agent)
    response = client.post(
        f"/admin/support/case/{shopper_named.id}/change/",
        {
            "status": shopper_named.status,
            "priority": shopper_named.priority,
            "assignee": "",
            "canned": "",
            "reply": GREETING_REPLY,
            "note": "",
            "support_case_answer_and_draft_faq": "1",
        },
    )
    draft = FaqArticle.objects.get(from_case=shopper_named)
    assert response.status_code == 302
    assert response.url == languages_url(draft)
    assert shopper_named.messages.filter(author="agent").count() == 1  # the shopper got the answer
    assert "Ioana" not in draft.body


def test_the_side_by_side_page_shows_four_rich_text_editors(
    client, agent, draft, django_assert_max_num_queries
):
    client.force_login(agent)
    with django_assert_max_num_queries(20):  # fixed: 4 category lists, badges, scope
        response = client.get(languages_url(draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<trix-editor") == 4
    for locale in ("en", "ro", "pl", "ru"):
        assert f'name="{locale}-body"' in page
    assert "Comanda ta a plecat azi din depozit" in page


def test_publishing_two_languages_makes_two_linked_articles_in_their_own_categories(client, agent, draft):
    english = FaqCategory.objects.create(brand=draft.brand, locale="en", title="Delivery", slug="delivery")
    client.force_login(agent)
    response = client.post(
        languages_url(draft),
        {
            **columns(
                ro={"title": draft.title, "category": draft.category_id, "body": draft.body},
                en={
                    "title": "Where is my parcel?",
                    "category": english.id,
                    "body": '<div>It left the warehouse.<script>alert("x")</script></div>'
                    '<a href="javascript:alert(1)" onclick="x()">track</a>',
                },
            ),
            "_publish": "1",
        },
    )
    assert response.status_code == 302
    group = FaqArticle.objects.filter(translation_key=draft.translation_key).order_by("locale")
    assert [(article.locale, article.published) for article in group] == [("en", True), ("ro", True)]
    english_article = group.get(locale="en")
    assert english_article.category == english
    assert "<script" not in english_article.body
    assert "alert" not in english_article.body.replace("It left", "")
    assert "onclick" not in english_article.body
    assert "It left the warehouse." in english_article.body


def test_a_polish_article_is_refused_in_a_romanian_category(client, agent, draft):
    client.force_login(agent)
    response = client.post(
        languages_url(draft),
        {
            **columns(
                ro={"title": draft.title, "category": draft.category_id, "body": draft.body},
                pl={
                    "title": "Gdzie jest paczka?",
                    "category": draft.category_id,
                    "body": "<p>Już jedzie.</p>",
                },
            ),
            "_publish": "1",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not FaqArticle.objects.filter(locale="pl").exists()
    draft.refresh_from_db()
    assert draft.published is False
    with pytest.raises(ValidationError) as refused:
        faq_languages.faq_translations_save(
            article_id=draft.id,
            translations=[ArticleTranslation("pl", "Gdzie?", "<p>Tak.</p>", category_id=draft.category_id)],
        )
    assert "pl-category" in refused.value.message_dict
    assert not FaqArticle.objects.filter(locale="pl").exists()


def test_the_single_article_form_refuses_a_category_in_another_language(client, agent, brand, draft):
    client.force_login(agent)
    response = client.post(
        f"/admin/support/faqarticle/{draft.id}/change/",
        {
            "brand": brand.id,
            "category": draft.category_id,
            "locale": "pl",
            "title": "Gdzie jest paczka?",
            "slug": draft.slug,
            "body": "<p>Już jedzie.</p>",
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose a category in the answer&#x27;s language." in response.content.decode()
    draft.refresh_from_db()
    assert draft.locale == "ro"


def test_an_oversized_answer_is_refused_and_nothing_is_written(client, agent, draft):
    client.force_login(agent)
    huge = "<p>" + "a" * (services.MAX_ARTICLE_LENGTH + 1) + "</p>"
    response = client.post(
        languages_url(draft),
        {**columns(ro={"title": draft.title, "category": draft.category_id, "body": huge}), "_publish": "1"},
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.published is False
    assert "a" * 100 not in draft.body


def test_a_question_without_an_answer_is_refused(client, agent, draft):
    client.force_login(agent)
    response = client.post(languages_url(draft), {**columns(en={"title": "Only a question"}), "_save": "1"})
    assert response.status_code == 200
    assert "both a question and a text" in response.content.decode()
    assert not FaqArticle.objects.filter(locale="en").exists()


def test_a_returns_manager_without_support_permissions_is_refused_and_nothing_is_written(
    client, brand, draft, shopper_named
):
    manager = staff(brand, Role.RETURNS_MANAGER, "rita-returns")
    client.force_login(manager)
    assert client.get(languages_url(draft)).status_code == 403
    response = client.post(
        languages_url(draft),
        {**columns(en={"title": "Where?", "body": "<p>Here.</p>"}), "_publish": "1"},
    )
    assert response.status_code == 403
    refused = client.post(
        f"/admin/support/case/{shopper_named.id}/change/",
        {"status": "open", "priority": 20, "reply": "Hello", "support_case_answer_and_draft_faq": "1"},
    )
    assert refused.status_code == 403
    assert FaqArticle.objects.filter(from_case=shopper_named).count() == 1  # only the fixture's draft
    assert not FaqArticle.objects.filter(locale="en").exists()
    draft.refresh_from_db()
    assert draft.published is False


def test_another_brands_agent_cannot_open_or_write_the_group(client, other_agent, other_brand, draft):
    foreign_category = FaqCategory.objects.create(brand=other_brand, locale="en", title="Help", slug="help")
    client.force_login(other_agent)
    assert client.get(languages_url(draft)).status_code == 404
    response = client.post(
        languages_url(draft),
        {
            **columns(en={"title": "Where?", "category": foreign_category.id, "body": "<p>Here.</p>"}),
            "_publish": "1",
        },
    )
    assert response.status_code == 404
    assert not FaqArticle.objects.filter(locale="en").exists()


def test_a_foreign_category_id_is_refused_by_the_service(draft, other_brand):
    foreign = FaqCategory.objects.create(brand=other_brand, locale="en", title="Help", slug="help")
    with pytest.raises(ValidationError):
        faq_languages.faq_translations_save(
            article_id=draft.id,
            translations=[ArticleTranslation("en", "Where?", "<p>Here.</p>", category_id=foreign.id)],
        )
    assert not FaqArticle.objects.filter(locale="en").exists()


def test_the_starter_answers_are_linked_across_languages(brand):
    services.help_centre_starter_install(brand=brand)
    late = FaqArticle.objects.get(brand=brand, locale="ro", slug="colet-intarziat")
    linked = faq_languages.translations_of(article=late)
    assert sorted(linked) == ["en", "pl", "ro", "ru"]
    assert linked["pl"].slug == "spozniona-paczka"


def test_a_reply_typed_in_a_browser_keeps_its_paragraphs_in_the_draft(shopper_named, agent):
    services.case_reply(
        case_id=shopper_named.id, staff_id=agent.id, body="Bună Ioana,\r\n\r\nDa, se poate.\r\nMulțumim!"
    )
    draft = services.faq_from_case(case_id=shopper_named.id)
    assert draft.body == "<p>Bună,</p><p>Da, se poate.<br>Mulțumim!</p>"


def test_another_brands_agent_cannot_draft_an_faq_from_the_case(client, other_agent, shopper_named):
    client.force_login(other_agent)
    response = client.post(
        f"/admin/support/case/{shopper_named.id}/change/",
        {"status": "open", "priority": 20, "reply": "Hello", "support_case_answer_and_draft_faq": "1"},
    )
    assert response.status_code == 302
    assert response.url == "/admin/"  # Django's "no such case" for a row outside the brand scope
    assert not FaqArticle.objects.filter(from_case=shopper_named).exists()
    assert not shopper_named.messages.filter(author="agent").exists()


def test_the_single_answer_page_edits_with_the_rich_text_editor(client, agent, draft):
    client.force_login(agent)
    page = client.get(f"/admin/support/faqarticle/{draft.id}/change/").content.decode()
    assert "<trix-editor" in page
    assert "support/trix-paragraphs.js" in page
    assert f"/admin/support/faqarticle/{draft.id}/languages-link/" in page  # Edit in four languages
