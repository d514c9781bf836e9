"""An owner invites a teammate from the console; the teammate follows the emailed link, chooses a
password and is working in the console at once; then turns on two-factor codes from their account."""

import re
from typing import Any

import pytest
from django.core import mail

from brands.models import Membership, Role

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "lantern-orchard-71"


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    if username == "ana":
        from tests.browser.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console-login-1280.png"), full_page=True)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def test_an_owner_invites_and_the_teammate_works_at_once(
    browser, page, live_server, staff_of, brand, axe_check, screenshot
):
    owner = staff_of(brand, Role.OWNER, username="ana")
    owner.set_password(PASSWORD)
    owner.save()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, "ana", PASSWORD)
    page.goto(f"{base}/admin/team/")
    page.fill("#id_email", "mara@example.com")
    page.select_option("#id_role", Role.RETURNS_MANAGER)
    page.click("#invite-form button[type=submit]")  # click 1 (after opening the team page)
    page.wait_for_selector("text=An invitation was sent to mara@example.com")
    screenshot(page, "console-team", widths=(1280,))
    assert axe_check(page) == []

    assert len(mail.outbox) == 1
    link = re.search(r"(/admin/join/\S+/)", mail.outbox[0].body)
    assert link

    invitee = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = invitee.new_page()
    tab.goto(f"{base}{link.group(1)}")
    assert "Casa Verde" in tab.content()
    tab.fill("#id_password1", PASSWORD)
    tab.fill("#id_password2", PASSWORD)
    tab.wait_for_load_state("load")
    screenshot(tab, "console-join", widths=(1280,))
    assert axe_check(tab) == []
    tab.click("#join-form button[type=submit]")
    tab.wait_for_url(f"{base}/admin/")
    assert Membership.objects.get(user__email="mara@example.com").role == Role.RETURNS_MANAGER

    tab.goto(f"{base}/admin/account/")
    assert tab.locator("#totp-secret").inner_text().strip()
    screenshot(tab, "console-account", widths=(1280,))
    assert axe_check(tab) == []

    # The teammate switches the console to Romanian.
    tab.select_option("#id_language", "ro")
    tab.click("#language-form button[type=submit]")
    tab.wait_for_selector("text=Limba a fost salvată.")
    screenshot(tab, "console-account-ro", widths=(1280,))
    invitee.close()
