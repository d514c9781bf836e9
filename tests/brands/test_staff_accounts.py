"""Staff accounts are protected and personal: lockout after failed logins, optional two-factor codes
computed the way an authenticator app does, and the console in the staff member's own language."""

import base64
import hashlib
import hmac
import re
import struct
import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from brands.models import Role, StaffProfile, TeamPolicy

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
ACCOUNT = "/admin/account/"
PASSWORD = "lantern-orchard-71"


@pytest.fixture
def owner(staff_of: Any, brand: Any) -> Any:
    user = staff_of(brand, Role.OWNER, username="ana")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client: Any, password: str, code: str = "", username: str = "ana", **meta: str) -> Any:
    data = {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    return client.post(LOGIN, data, **meta)


def logged_in(client: Any) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def totp_now(secret: str, at: float | None = None) -> str:
    """RFC 6238 from the key text the page shows, as an authenticator app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


# --- lockout ---------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_then_the_right_one_does_not_log_in(client, owner):
    for attempt in range(50):
        response = log_in(client, f"wrong-{attempt}")
        assert response.status_code in (200, 429)
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert not logged_in(client)


def test_a_few_typos_do_not_lock_and_a_success_clears_them(client, owner):
    for attempt in range(4):
        assert log_in(client, f"wrong-{attempt}").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="ana").exists()


def test_the_lock_is_per_username_and_address(client, owner, staff_of, brand):
    other = staff_of(brand, Role.SUPPORT_AGENT, username="bogdan")
    other.set_password(PASSWORD)
    other.save()
    for attempt in range(5):
        log_in(client, f"wrong-{attempt}", REMOTE_ADDR="203.0.113.9")
    assert log_in(client, PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 429
    assert log_in(client, PASSWORD, username="bogdan", REMOTE_ADDR="203.0.113.9").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lock(client, owner):
    # No trusted proxy is configured, so X-Forwarded-For is the attacker's to write and is ignored.
    for attempt in range(6):
        log_in(client, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    assert not logged_in(client)


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(5):
        log_in(client, f"wrong-{attempt}", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 429
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 302


# --- two-factor codes ------------------------------------------------------------------------------


def wait_out_the_throttle() -> None:
    """django-otp refuses every code for a second after a wrong one (doubling with each)."""
    time.sleep(1.1)


def enrol(client: Any, owner: Any) -> str:
    client.force_login(owner)
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', html)
    assert secret, html
    return secret.group(1)


def test_enrolment_needs_a_right_code_then_the_login_asks_for_one(client, owner):
    secret = enrol(client, owner)
    wrong = client.post(
        ACCOUNT, {"do": "confirm", "code": "000000" if totp_now(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    assert client.post(ACCOUNT, {"do": "confirm", "code": "x" * 500}).status_code == 200
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()

    wait_out_the_throttle()
    assert client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret)}).status_code == 302
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).count() == 1
    client.logout()

    assert log_in(client, PASSWORD).status_code == 200
    assert not logged_in(client)
    assert (
        log_in(client, PASSWORD, code="123456" if totp_now(secret) != "123456" else "654321").status_code
        == 200
    )
    assert not logged_in(client)
    wait_out_the_throttle()
    # The code of the next 30 seconds (an app whose clock runs ahead) is accepted by the tolerance.
    assert log_in(client, PASSWORD, code=totp_now(secret, time.time() + 30)).status_code == 302
    assert logged_in(client)


def test_a_code_works_once(client, owner):
    secret = enrol(client, owner)
    client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret)})
    client.logout()
    # The confirming code was used: the login cannot replay it.
    assert log_in(client, PASSWORD, code=totp_now(secret)).status_code == 200
    assert not logged_in(client)


def test_wrong_codes_count_towards_the_lockout(client, owner):
    secret = enrol(client, owner)
    client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret)})
    client.logout()
    for _ in range(5):
        log_in(client, PASSWORD, code="000000")
    assert log_in(client, PASSWORD, code=totp_now(secret, time.time() + 30)).status_code == 429
    assert not logged_in(client)


def test_turning_two_factor_off_needs_a_current_code(client, owner):
    secret = enrol(client, owner)
    client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret)})
    assert client.post(ACCOUNT, {"do": "disable", "code": "000000"}).status_code == 200
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).exists()
    wait_out_the_throttle()
    assert (
        client.post(ACCOUNT, {"do": "disable", "code": totp_now(secret, time.time() + 30)}).status_code == 302
    )
    assert not TOTPDevice.objects.filter(user=owner).exists()


def test_the_account_page_is_for_signed_in_staff_only(client):
    assert client.get(ACCOUNT).status_code == 302
    assert client.post(ACCOUNT, {"do": "language", "language": "ro"}).status_code == 302
    assert not StaffProfile.objects.exists()


# --- language --------------------------------------------------------------------------------------


def test_the_console_speaks_the_chosen_language(client, owner):
    client.force_login(owner)
    assert client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en").headers["Content-Language"] == "en"
    assert client.post(ACCOUNT, {"do": "language", "language": "ro"}).status_code == 302
    assert StaffProfile.objects.get(user=owner).language == "ro"
    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.headers["Content-Language"] == "ro"
    # Kept in the profile: a new session starts in it too.
    client.logout()
    client.force_login(owner)
    assert client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="pl").headers["Content-Language"] == "ro"


def test_an_unknown_language_is_refused(client, owner):
    client.force_login(owner)
    assert client.post(ACCOUNT, {"do": "language", "language": "xx"}).status_code == 200
    assert client.post(ACCOUNT, {"do": "language", "language": "r" * 5000}).status_code == 200
    assert client.post(ACCOUNT, {"do": "dance"}).status_code == 400
    assert not StaffProfile.objects.exists()


# --- a brand that requires two-factor codes --------------------------------------------------------


def test_an_owner_requires_codes_and_staff_without_them_enrol_first(client, owner, staff_of, brand):
    agent = staff_of(brand, Role.SUPPORT_AGENT, username="bogdan")
    agent.set_password(PASSWORD)
    agent.save()
    client.force_login(owner)
    saved = client.post("/admin/team/", {"do": "policy", "brand": brand.id, "two_factor_required": "on"})
    assert saved.status_code == 302
    assert TeamPolicy.objects.get(brand=brand).two_factor_required
    client.logout()

    assert log_in(client, PASSWORD, username="bogdan").status_code == 302
    # Every console page leads to the account page until codes are set up.
    assert client.get(reverse("admin:orders_order_changelist"))["Location"] == ACCOUNT
    assert client.get(reverse("admin:index"))["Location"] == ACCOUNT
    page = client.get(ACCOUNT)
    assert page.status_code == 200
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page.content.decode())
    assert secret
    assert client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret.group(1))}).status_code == 302
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200
    # Required by the brand: the codes cannot be turned off.
    wait_out_the_throttle()
    client.post(ACCOUNT, {"do": "disable", "code": totp_now(secret.group(1), time.time() + 30)})
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def test_only_an_owner_sets_the_requirement_and_only_for_their_brand(
    client, owner, staff_of, brand, other_brand
):
    agent = staff_of(brand, Role.SUPPORT_AGENT)
    client.force_login(agent)
    assert (
        client.post(
            "/admin/team/", {"do": "policy", "brand": brand.id, "two_factor_required": "on"}
        ).status_code
        == 403
    )
    client.force_login(owner)
    response = client.post(
        "/admin/team/", {"do": "policy", "brand": other_brand.id, "two_factor_required": "on"}
    )
    assert response.status_code == 404
    assert not TeamPolicy.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ro", "Coduri în doi pași"), ("pl", "Kody dwuetapowe"), ("ru", "Двухфакторные коды")],
)
def test_the_account_page_itself_is_in_the_chosen_language(client, owner, language, heading):
    client.force_login(owner)
    client.post(ACCOUNT, {"do": "language", "language": language})
    page = client.get(ACCOUNT, HTTP_ACCEPT_LANGUAGE="en")
    assert heading in page.content.decode()


def test_the_account_page_reads_a_bounded_number_of_queries(client, owner, django_assert_max_num_queries):
    client.force_login(owner)
    client.get(ACCOUNT)  # the pending device is made on the first visit
    with django_assert_max_num_queries(10):
        assert client.get(ACCOUNT).status_code == 200


def test_a_session_opened_before_codes_were_required_enrols_at_its_next_page(client, owner, staff_of, brand):
    from django.test import Client

    agent = staff_of(brand, Role.SUPPORT_AGENT, username="bogdan")
    agent_client = Client()
    agent_client.force_login(agent)
    assert agent_client.get(reverse("admin:orders_order_changelist")).status_code == 200

    client.force_login(owner)
    client.post("/admin/team/", {"do": "policy", "brand": brand.id, "two_factor_required": "on"})

    assert agent_client.get(reverse("admin:orders_order_changelist"))["Location"] == ACCOUNT
    assert agent_client.get(reverse("admin:index"))["Location"] == ACCOUNT
    assert agent_client.get(ACCOUNT).status_code == 200


def test_a_session_that_never_proved_a_code_must_log_in_again_once_codes_are_required(
    client, owner, staff_of, brand
):
    from django.test import Client

    agent = staff_of(brand, Role.SUPPORT_AGENT, username="bogdan")
    agent.set_password(PASSWORD)
    agent.save()
    secret = enrol(client, agent)
    assert client.post(ACCOUNT, {"do": "confirm", "code": totp_now(secret)}).status_code == 302
    stale = Client()
    stale.force_login(agent)
    # A session from before sessions recorded a proven code: nothing says one was asked of it.
    session = stale.session
    session.pop("two_factor_verified")
    session.save()

    owner_client = Client()
    owner_client.force_login(owner)
    owner_client.post("/admin/team/", {"do": "policy", "brand": brand.id, "two_factor_required": "on"})

    # The session that enrolled proved a code and goes on; the one that never did is signed out.
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200
    refused = stale.get(reverse("admin:orders_order_changelist"))
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
    assert stale.get(reverse("admin:index")).status_code == 302
    wait_out_the_throttle()
    assert (
        log_in(stale, PASSWORD, code=totp_now(secret, time.time() + 30), username="bogdan").status_code == 302
    )
    assert stale.get(reverse("admin:orders_order_changelist")).status_code == 200
