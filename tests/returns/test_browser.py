"""A shopper returns a damaged item with a photo, in Polish, up to the QR code and the slip; a
returns manager approves and refunds it in the admin. axe checks every shopper page."""

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from returns import services
from returns.models import Return
from returns.statuses import ReturnStatus
from tests import factories
from tests.returns.conftest import deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Any:
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain test set-up.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def check_accessibility(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in serious
    )


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"returns-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 900})


@pytest.fixture
def shop(tmp_path: Path, settings: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    brand = factories.BrandFactory(
        slug="bursztyn",
        name="Bursztyn",
        default_locale="pl",
        enabled_locales=["pl", "en"],
        timezone="Europe/Warsaw",
        primary_colour="#7c2d12",
        accent_colour="#0f766e",
    )
    services.policy_settings_set(
        brand=brand,
        auto_approve=False,
        credit_bonus_percent=Decimal("10"),
        currency="PLN",
        return_address="Bursztyn — Zwroty\nul. Magazynowa 7\n32-050 Skawina",
    )
    services.rule_set(brand=brand, window_days=30)
    services.reasons_ensure_defaults(brand=brand)
    customer = factories.CustomerFactory(brand=brand, email="zofia@example.com", locale="pl")
    order = factories.OrderFactory(brand=brand, customer=customer, number="2001", currency="PLN")
    mug = factories.ProductFactory(brand=brand, title="Kubek kamionkowy", category="home", currency="PLN")
    factories.OrderLineFactory(
        order=order, product=mug, title=mug.title, quantity=2, unit_price=Decimal("45.00")
    )
    deliver(brand=brand, order=order, at=timezone.now() - timedelta(days=3))
    from PIL import Image

    photo = tmp_path / "pekniety-kubek.jpg"
    Image.new("RGB", (320, 240), (180, 40, 40)).save(photo, "JPEG")
    return {"brand": brand, "order": order, "photo": photo}


def test_a_polish_shopper_returns_a_damaged_mug_and_the_merchant_refunds_it(
    live_server: Any, browser: Any, shop: dict[str, Any], staff_of: Any
) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 900}, locale="pl-PL")
    page = context.new_page()
    base = live_server.url

    page.goto(f"{base}/bursztyn/returns/")
    assert page.locator("html").get_attribute("lang") == "pl"
    check_accessibility(page, "lookup")
    shoot(page, "lookup")
    page.get_by_label("Numer zamówienia").fill("2001")
    page.get_by_label("Adres e-mail").fill("zofia@example.com")
    page.get_by_role("button", name=re.compile("^Znajdź")).click()

    page.get_by_role("heading", name="Co chcesz zwrócić?").wait_for()
    check_accessibility(page, "items")
    page.get_by_label("Kubek kamionkowy").check()
    page.get_by_label("Dotarł uszkodzony lub wadliwy").check()
    shoot(page, "items")
    page.get_by_role("button", name="Dalej").click()

    page.get_by_role("heading", name="Jak chcesz to rozwiązać?").wait_for()
    check_accessibility(page, "resolution")
    page.get_by_label(re.compile("Zwrot pieniędzy na pierwotną metodę płatności")).check()
    page.get_by_label(re.compile("Zdjęcia problemu")).set_input_files(str(shop["photo"]))
    page.get_by_label("Coś, o czym powinniśmy wiedzieć? (opcjonalnie)").fill("Pęknięte ucho kubka.")
    shoot(page, "resolution")
    page.get_by_role("button", name="Wyślij zgłoszenie zwrotu").click()

    page.get_by_role("heading", name="Otrzymaliśmy Twoje zgłoszenie zwrotu").wait_for()
    check_accessibility(page, "requested")
    ret = Return.objects.get()
    assert (ret.status, ret.amount, ret.photos.count()) == (ReturnStatus.REQUESTED, Decimal("45.00"), 1)
    detail_url = page.url

    # The returns manager approves it in the admin.
    manager = staff_of(shop["brand"], "returns_manager", username="marta")
    manager.set_password("pw-marta-1")
    manager.save()
    admin = context.new_page()
    admin.set_viewport_size({"width": 1280, "height": 900})
    admin.goto(f"{base}/admin/login/?next=/admin/returns/return/")
    admin.fill("#id_username", "marta")
    admin.fill("#id_password", "pw-marta-1")
    admin.click("[type=submit]")
    admin.get_by_role("link", name=ret.rma).wait_for()
    admin.get_by_role("link", name=ret.rma).click()
    # The browser asks for Polish, so the console answers in Polish too.
    admin.locator("img[alt^='Zdjęcie kupującego']").wait_for()
    assert "Pęknięte ucho kubka." in admin.content()
    admin.screenshot(path=str(ARTIFACTS / "returns-admin-detail-1280.png"), full_page=True)
    admin.goto(f"{base}/admin/returns/return/")
    admin.locator(f"input[name=_selected_action][value='{ret.id}']").check()
    admin.select_option("select[name=action]", "approve")
    admin.click("button[name=index]")
    admin.get_by_text("1 zwrot – zatwierdzono.").wait_for()

    # The shopper now sees what to do, the QR code and the slip.
    page.goto(detail_url)
    page.get_by_role("heading", name="Twój zwrot został zatwierdzony").wait_for()
    assert page.locator("svg.qr__code").count() == 1
    check_accessibility(page, "approved")
    shoot(page, "approved")
    slip = page.get_by_role("link", name="Pobierz formularz zwrotu (PDF)").get_attribute("href")
    pdf = page.request.get(f"{base}{slip}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The parcel arrives; the manager marks it received and refunds it.
    for action, message in (("mark_received", "oznaczono jako odebrane"), ("resolve", "rozliczono")):
        admin.goto(f"{base}/admin/returns/return/")
        admin.locator(f"input[name=_selected_action][value='{ret.id}']").check()
        admin.select_option("select[name=action]", action)
        admin.click("button[name=index]")
        admin.get_by_text(f"1 zwrot – {message}.").wait_for()
    ret.refresh_from_db()
    assert (ret.status, ret.amount_issued) == (ReturnStatus.REFUNDED, Decimal("45.00"))
    assert [e.actor_label for e in ret.events.order_by("id")] == ["shopper", "marta", "marta", "marta"]

    page.goto(detail_url)
    assert "Zwrócono pieniądze" in page.content()
    page.goto(f"{base}/bursztyn/policy/returns/")
    check_accessibility(page, "policy")
    shoot(page, "policy")
    context.close()
