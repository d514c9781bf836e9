"""A support agent answers a shopper and publishes the answer as an FAQ in two languages, in a real
browser at the console's width: counted in clicks, with no HTML typed."""

from typing import Any

import pytest
from playwright.sync_api import expect

from brands.models import Role
from support import services
from support.models import Case, FaqArticle
from tests import factories
from tests.support.conftest import staff
from tests.tracking import page_builders as build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 5
DESKTOP = (1280,)


class Clicks:
    """Every click the agent makes goes through here, so the test can hold the job to its budget."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.click()


@pytest.fixture
def casa_verde(db: Any) -> Any:
    brand = factories.BrandFactory(slug="casa-verde", name="Casa Verde", default_locale="ro")
    services.help_centre_starter_install(brand=brand)
    return brand


@pytest.fixture
def shopper_question(casa_verde: Any) -> Case:
    customer = factories.CustomerFactory(
        brand=casa_verde,
        email="ioana@example.com",
        first_name="Ioana",
        last_name="Popescu",
        phone="+40712345678",
        locale="ro",
    )
    order = build.order_with_lines(brand=casa_verde, customer=customer)
    case, _ = services.case_open(
        brand=casa_verde,
        data=services.CaseInput(
            kind="question",
            subject="Pot schimba adresa de livrare?",
            body="Bună, mă mut mâine. Puteți livra comanda la birou?",
            order_id=order.id,
            customer_id=customer.id,
            name="Ioana Popescu",
        ),
    )
    return case


def log_in(page: Any, url: str, username: str, then: str) -> None:
    page.goto(f"{url}/admin/login/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw")
    page.locator("#id_password").press("Enter")  # a key, not a click
    page.wait_for_url(f"{url}{then}")


def test_an_agent_answers_and_publishes_the_answer_as_an_faq_in_two_languages(
    live_server, page, screenshot, axe_check, casa_verde, shopper_question
):
    agent = staff(casa_verde, Role.SUPPORT_AGENT, "ana-agent")
    order_number = shopper_question.order.number
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, agent.username, then="/admin/support/case/")
    click = Clicks()

    screenshot(page, "console-cases-badge", widths=DESKTOP)
    click(page.get_by_role("link", name=shopper_question.reference, exact=True))
    page.locator("#id_reply").fill(
        f"Bună Ioana,\n\nDa: până la expediere schimbăm adresa comenzii #{order_number} "
        "fără cost. Scrie-ne adresa nouă din pagina de urmărire.\n\nO zi bună!"
    )
    screenshot(page, "console-case-answer", widths=DESKTOP)
    click(page.get_by_role("button", name="Send and publish as FAQ"))

    page.wait_for_url(f"{live_server.url}/admin/support/faqarticle/*/languages/")
    romanian = page.locator("fieldset[lang=ro]")
    assert romanian.get_by_label("Question").input_value() == "Pot schimba adresa de livrare?"
    assert "Ioana" not in romanian.locator("trix-editor").inner_text()
    assert order_number not in romanian.locator("trix-editor").inner_text()
    english = page.locator("fieldset[lang=en]")
    english.get_by_label("Question").fill("Can I change the delivery address?")
    editor = english.locator("trix-editor")
    editor.focus()  # typing goes where the cursor is; focusing is not a click
    page.keyboard.type("Yes: until the parcel ships we change the address for free.", delay=5)
    expect(editor).to_contain_text("for free.")
    page.keyboard.press("Enter")
    # Trix applies a key after its own input cycle: the next words wait until the line break is in.
    page.wait_for_function("e => e.innerHTML.includes('<br>')", arg=editor.element_handle())
    page.keyboard.type("Send us the new address from the tracking page.", delay=5)
    expect(editor).to_contain_text("tracking page.")
    screenshot(page, "console-faq-four-languages", widths=DESKTOP)
    assert axe_check(page) == []
    click(page.get_by_role("button", name="Publish every language filled in"))

    expect(page.get_by_text("Published in en, ro.")).to_be_visible()
    screenshot(page, "console-faq-published", widths=DESKTOP)
    assert click.count <= MAX_CLICKS
    assert shopper_question.messages.filter(author="agent").count() == 1  # the shopper got the answer
    published = FaqArticle.objects.filter(from_case=shopper_question, published=True).order_by("locale")
    assert [article.locale for article in published] == ["en", "ro"]
    assert len({article.translation_key for article in published}) == 1
    english_article, romanian_article = published
    assert english_article.category.locale == "en"
    assert romanian_article.category.locale == "ro"
    # Paragraphs stay paragraphs through the editor, in the text typed and in the draft's.
    assert english_article.body == (
        "<p>Yes: until the parcel ships we change the address for free.<br>"
        "Send us the new address from the tracking page.</p>"
    )
    assert romanian_article.body.startswith("<p>Bună,</p><p>Da: până la expediere")
    assert romanian_article.body.endswith("<p>O zi bună!</p>")
    assert "<script" not in english_article.body
    for article in published:
        assert "Ioana" not in article.body
        assert order_number not in article.body

    # The shopper side: the English answer is on the help centre.
    page.goto(f"{live_server.url}/casa-verde/help/a/{english_article.id}/")
    assert page.locator("h1").inner_text() == "Can I change the delivery address?"
    screenshot(page, "help-article-from-support", widths=DESKTOP)
    print(f"clicks: {click.count}")  # the figure the job is measured by


def test_an_agent_turns_the_email_digest_off_from_the_sidebar(
    live_server, page, screenshot, axe_check, casa_verde
):
    agent = staff(casa_verde, Role.SUPPORT_AGENT, "ana-agent")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, agent.username, then="/admin/support/case/")
    page.get_by_role("link", name="My email digest").click()
    switch = page.get_by_label("Email me an hourly digest of new cases, shopper replies and returns")
    assert switch.is_checked()
    assert axe_check(page) == []
    switch.uncheck(force=True)  # the switch's own input sits under unfold's styled track
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your digest settings are saved.")).to_be_visible()
    screenshot(page, "console-digest-settings", widths=DESKTOP)
    assert (
        page.get_by_label("Email me an hourly digest of new cases, shopper replies and returns").is_checked()
        is False
    )
    assert agent.digest_preference.enabled is False
