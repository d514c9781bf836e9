"""A merchant edits an SMS in a real browser: the segment count follows the typing, then the text is saved."""

from typing import Any

import pytest

from brands.models import Role
from brands.services import membership_grant
from notifications.models import MessageTemplate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner_page(page: Any, live_server: Any) -> tuple[Any, Any]:
    brand = factories.BrandFactory(
        slug="casa-verde", name="Casa Verde", default_locale="ro", enabled_locales=["ro", "en"]
    )
    user = factories.UserFactory(username="ioana-owner", email="ioana@casaverde.example")
    membership_grant(user_id=user.id, brand=brand, role=Role.OWNER)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/notifications/messagetemplate/texts/")
    page.fill("input[name=username]", "ioana-owner")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/notifications/messagetemplate/texts/{brand.id}/")
    return page, brand


def test_typing_updates_the_segment_count_live_then_save(owner_page, live_server, screenshot, axe_check):
    page, brand = owner_page
    assert page.url.endswith(f"/texts/{brand.id}/")  # one brand: straight to its messages
    screenshot(page, "message-templates-list", widths=(1280,))
    clicks = 0
    page.click(f"a[href$='/texts/{brand.id}/shipped/sms/en/']")
    clicks += 1
    body = page.locator("textarea[name=body]")
    assert "is on its way with {{ carrier }}" in body.input_value()  # the default, prefilled
    assert page.locator("#sms-encoding").inner_text() == "GSM-7"

    body.fill("{{ brand_name }}: your parcel is on its way. {{ tracking_url }}")
    page.wait_for_function(
        "document.querySelector('#sms-text').innerText.startsWith('Casa Verde: your parcel')"
    )
    assert page.locator("#sms-segments").inner_text() == "1"
    assert page.locator("#sms-encoding").inner_text() == "GSM-7"

    # One dash turns it to UCS-2; a longer text then needs more segments, both counted as it is typed.
    body.fill(
        "{{ brand_name }} — your parcel left today and arrives soon; follow it here: {{ tracking_url }}"
    )
    page.wait_for_function("document.querySelector('#sms-encoding').innerText === 'UCS-2'")
    assert page.locator("#sms-segments").inner_text() == "2"
    assert "—" in page.locator("#sms-unicode").inner_text()
    screenshot(page, "message-template-editor-ucs2", widths=(1280,))

    # Insert a variable with its button: it lands in the text and the preview follows.
    body.fill("{{ brand_name }}: on its way with ")
    body.press("End")
    page.click("button[data-variable=carrier]")
    page.wait_for_function("document.querySelector('#sms-text').innerText.includes('on its way with DPD')")
    assert body.input_value() == "{{ brand_name }}: on its way with {{ carrier }}"

    body.fill("{{ brand_name }}: order #{{ order_number }} left with {{ carrier }}. {{ tracking_url }}")
    page.wait_for_function("document.querySelector('#sms-text').innerText.includes('left with DPD')")
    assert page.locator("#sms-segments").inner_text() == "1"
    screenshot(page, "message-template-editor", widths=(1280,))
    assert axe_check(page) == []
    page.click("button[name=action][value=save]")
    clicks += 1
    page.wait_for_selector("text=Saved: shoppers get this text from now on.")
    saved = MessageTemplate.objects.get(brand=brand, trigger="shipped", channel="sms", locale="en")
    assert (
        saved.body
        == "{{ brand_name }}: order #{{ order_number }} left with {{ carrier }}. {{ tracking_url }}"
    )
    assert clicks == 2  # open the message, save (typing aside)


def test_an_email_preview_shows_the_email_as_sent(owner_page, live_server, screenshot):
    page, brand = owner_page
    page.goto(f"{live_server.url}/admin/notifications/messagetemplate/texts/{brand.id}/delivered/email/ro/")
    page.fill("input[name=subject]", "Gata, {{ first_name }}!")
    page.wait_for_function("document.querySelector('#email-subject').innerText === 'Gata, Ioana!'")
    screenshot(page, "message-template-email", widths=(1280,))
    document = page.locator("#email-preview").get_attribute("srcdoc") or ""
    assert "Casa Verde" in document
    assert "Ioana" in document


def test_the_preview_button_is_a_plain_form_post(owner_page, live_server):
    """Unfold's frame hides pages until Alpine starts, so this proves the button without htmx instead:
    a full-page POST that renders the preview and writes nothing (the client test covers no-JS)."""
    page, brand = owner_page
    page.goto(f"{live_server.url}/admin/notifications/messagetemplate/texts/{brand.id}/shipped/sms/en/")
    page.evaluate(
        "document.getElementById('template-form').removeAttribute('hx-post'); htmx.process(document.body)"
    )
    page.fill("textarea[name=body]", "Hi {{ first_name }} ș")
    with page.expect_navigation():
        page.click("button[name=action][value=preview]")
    assert page.locator("#sms-text").inner_text() == "Hi Ioana ș"
    assert page.locator("#sms-encoding").inner_text() == "UCS-2"
    assert page.locator("textarea[name=body]").input_value() == "Hi {{ first_name }} ș"
    assert not MessageTemplate.objects.exists()
