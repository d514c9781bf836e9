"""The whole care loop in a browser: a shopper rates a delivery with a sad face, a support agent
finds the case in the queue, answers it, and the answer reaches the shopper's inbox."""

from typing import Any

import pytest
from django.core import mail

from brands.models import Role
from support.models import Case, CaseStatus
from tests import factories
from tests.feedback.conftest import DELIVERED_SCANS
from tests.support.conftest import staff
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_sad_face_becomes_a_case_that_an_agent_answers(
    live_server: Any, page_without_js: Any, page: Any, axe_check: Any, screenshot: Any
) -> None:
    brand = factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        primary_colour="#14532d",
        accent_colour="#a16207",
    )
    customer = factories.CustomerFactory(
        brand=brand, email="ioana@example.com", first_name="Ioana", locale="ro", sms_consent=False
    )
    order = order_with_lines(brand=brand, customer=customer, number="1042")
    shipment = parcel(
        order=order, scans=DELIVERED_SCANS, carrier=("fan", "FAN Courier"), tracking_number="FAN1042"
    )
    agent = staff(brand, Role.SUPPORT_AGENT, "casa-verde-agent")
    mail.outbox.clear()

    # The shopper, on a phone without JavaScript, picks the saddest face and says why.
    shopper = page_without_js
    shopper.goto(f"{live_server.url}/casa-verde/track/{shipment.token}/")
    shopper.locator("label[for=face-1]").click()
    shopper.locator("#feedback-comment").fill("Cana a ajuns spartă.")
    shopper.locator("#feedback button[type=submit]").click()
    shopper.wait_for_url("**#feedback")
    case = Case.objects.get()
    assert case.kind == "feedback"
    assert case.order == order
    assert case.shipment == shipment

    # The agent signs in, finds it at the top of the queue and answers it.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/support/case/")
    page.locator("#id_username").fill("casa-verde-agent")
    page.locator("#id_password").fill("pw")
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/support/case/")
    page.get_by_role("link", name=case.reference).click()
    assert "Cana a ajuns spartă." in page.locator(".case-thread").inner_text()
    assert "FAN1042" in page.content()
    screenshot(page, "care-agent-case")
    page.locator("#id_reply").fill("Ne pare rău, Ioana! Îți trimitem azi o cană nouă, fără cost.")
    page.locator("button[name=_save]").click()
    page.wait_for_url("**/admin/support/case/")

    # The answer is in the shopper's inbox, in the thread, and the case waits on the shopper.
    replies = [
        message for message in mail.outbox if case.reference in message.subject and "Re:" in message.subject
    ]
    assert len(replies) == 1
    assert replies[0].to == ["ioana@example.com"]
    assert "Îți trimitem azi o cană nouă" in replies[0].body
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert case.assignee == agent

    # The link in the email opens the conversation, which passes axe.
    page.goto(f"{live_server.url}/casa-verde/help/case/{case.token}/")
    assert page.get_by_text("Îți trimitem azi o cană nouă, fără cost.").is_visible()
    assert axe_check(page) == []
    screenshot(page, "care-shopper-conversation")
