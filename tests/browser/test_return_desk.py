"""A returns manager handles returns from their own page in a real browser, clicks counted.

Typing is not a click; logging in is not part of the job (the session is set up before the page opens).
"""

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Notification
from returns import services
from returns.models import Return
from returns.statuses import ReturnStatus
from tests import factories
from tests.returns.conftest import deliver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def casa_verde() -> Any:
    brand = factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        enabled_locales=["ro", "en"],
        timezone="Europe/Bucharest",
    )
    services.policy_settings_set(brand=brand, auto_approve=False, currency="RON")
    services.rule_set(brand=brand, window_days=30, keep_it_threshold=Decimal("40.00"))
    services.rule_set(brand=brand, category="apparel", window_days=30, return_shipping_fee=Decimal("15.00"))
    services.reasons_ensure_defaults(brand=brand)
    return brand


def request_return(brand: Any, *lines: tuple[str, str, int, str], number: str) -> Return:
    customer = factories.CustomerFactory(brand=brand, email=f"shopper{number}@example.com", locale="ro")
    order = factories.OrderFactory(brand=brand, customer=customer, number=number, currency="RON")
    for title, category, quantity, price in lines:
        product = factories.ProductFactory(
            brand=brand, title=title, category=category, price=Decimal(price), currency="RON"
        )
        factories.OrderLineFactory(
            order=order, product=product, title=title, quantity=quantity, unit_price=Decimal(price)
        )
    deliver(brand=brand, order=order, at=timezone.now() - timedelta(days=3))
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=[services.RequestedLine(line.id, line.quantity) for line in order.lines.order_by("id")],
        reason_id=brand.return_reasons.get(code="too-big").id,
        resolution="refund",
        locale="ro",
    )


@pytest.fixture
def manager_page(browser: Any, live_server: Any, casa_verde: Any, staff_of: Any) -> Any:
    """A desktop page logged in as the brand's returns manager."""
    manager = staff_of(casa_verde, "returns_manager", username="maria")
    session = Client()
    session.force_login(manager)
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def counted() -> Any:
    """counted.click(locator) clicks and counts; counted.clicks is the total."""

    class Counter:
        clicks = 0

        def click(self, locator: Any) -> None:
            locator.click()
            self.clicks += 1

    return Counter()


def test_approve_and_refund_a_return_from_its_own_page_in_three_clicks(
    manager_page: Any, live_server: Any, casa_verde: Any, counted: Any, screenshot: Callable[..., Any]
) -> None:
    ret = request_return(casa_verde, ("Cană de ceai", "home", 1, "35.00"), number="1042")
    assert (ret.status, ret.keep_item) == (ReturnStatus.REQUESTED, True)  # cheap: no parcel comes back
    page = manager_page

    page.goto(f"{live_server.url}/admin/returns/return/{ret.id}/change/")
    bar = page.get_by_test_id("move-bar")
    bar.get_by_role("button", name="Approve").wait_for()
    screenshot(page, "desk-requested", widths=(1280,))

    counted.click(bar.get_by_role("button", name="Approve"))
    page.get_by_text(f"{ret.rma}: Approved. The shopper was told.").wait_for()
    counted.click(bar.locator("summary", has_text=re.compile(r"^\s*Refund")))
    confirm = bar.get_by_role("button", name="Confirm the refund")
    confirm.wait_for()
    screenshot(page, "desk-confirm-refund", widths=(1280,))
    counted.click(confirm)
    page.get_by_text(f"{ret.rma}: Refunded. The shopper was told.").wait_for()
    screenshot(page, "desk-refunded", widths=(1280,))

    assert counted.clicks <= 3
    ret.refresh_from_db()
    assert (ret.status, ret.amount_issued) == (ReturnStatus.REFUNDED, Decimal("35.00"))
    refunded = Notification.objects.get(subject_key=f"return:{ret.id}:return_refunded", channel="email")
    assert "rambursat: 35.00 RON" in refunded.body
    assert "Nothing left to do" in bar.inner_text()


def test_receive_inspect_and_refund_the_inspected_amount(
    manager_page: Any, live_server: Any, casa_verde: Any, counted: Any, screenshot: Callable[..., Any]
) -> None:
    ret = request_return(
        casa_verde, ("Rochie de in", "apparel", 1, "80.00"), ("Eșarfă", "apparel", 2, "25.00"), number="1043"
    )
    assert (ret.amount, ret.keep_item) == (Decimal("115.00"), False)
    page = manager_page
    page.goto(f"{live_server.url}/admin/returns/return/{ret.id}/change/")
    bar = page.get_by_test_id("move-bar")

    counted.click(bar.get_by_role("button", name="Approve"))
    page.get_by_text(f"{ret.rma}: Approved. The shopper was told.").wait_for()
    counted.click(bar.get_by_role("button", name="Mark received"))
    page.get_by_text(f"{ret.rma}: Received. The shopper was told.").wait_for()
    counted.click(bar.get_by_role("link", name="Inspect items…"))
    scarf = ret.lines.order_by("id").last()
    page.locator(f"#id_line-{scarf.id}-condition").select_option("damaged")
    page.locator(f"#id_line-{scarf.id}-accepted_quantity").fill("1")
    page.locator(f"#id_line-{scarf.id}-adjustment_reason").fill("Una are o pată.")
    screenshot(page, "desk-inspect", widths=(1280,))
    counted.click(page.get_by_role("button", name="Save the inspection"))
    page.get_by_text(f"{ret.rma} inspected").wait_for()
    screenshot(page, "desk-inspected", widths=(1280,))
    counted.click(bar.locator("summary", has_text=re.compile(r"^\s*Refund")))
    counted.click(bar.get_by_role("button", name="Confirm the refund"))
    page.get_by_text(f"{ret.rma}: Refunded. The shopper was told.").wait_for()

    ret.refresh_from_db()
    assert ret.inspected_amount == Decimal("90.00")  # 80 + 25 accepted − 15 shipping
    assert (ret.status, ret.amount_issued) == (ReturnStatus.REFUNDED, Decimal("90.00"))
    assert counted.clicks == 6  # approve, receive, inspect, save, refund, confirm
    refunded = Notification.objects.get(subject_key=f"return:{ret.id}:return_refunded", channel="email")
    assert "rambursat: 90.00 RON" in refunded.body

    shopper = page.context.new_page()
    shopper.goto(f"{live_server.url}/casa-verde/returns/r/{ret.token}/")
    assert "90,00" in shopper.content()
    assert "Una are o pată." in shopper.content()
    screenshot(shopper, "desk-shopper-refunded", widths=(390,))


def test_reject_with_a_reason_in_two_clicks(
    manager_page: Any, live_server: Any, casa_verde: Any, counted: Any, screenshot: Callable[..., Any]
) -> None:
    ret = request_return(casa_verde, ("Rochie de in", "apparel", 1, "80.00"), number="1044")
    page = manager_page
    page.goto(f"{live_server.url}/admin/returns/return/{ret.id}/change/")
    bar = page.get_by_test_id("move-bar")

    counted.click(bar.locator("summary", has_text="Reject…"))
    bar.get_by_label("Reason the shopper reads").fill("The dress was worn and washed.")
    bar.get_by_text("Add the reason in the shopper's languages").click()  # optional: not counted
    bar.get_by_label("In Romanian (optional)").fill("Rochia a fost purtată și spălată.")
    screenshot(page, "desk-reject", widths=(1280,))
    counted.click(bar.get_by_role("button", name="Reject and tell the shopper"))
    page.get_by_text(f"{ret.rma}: Rejected. The shopper was told.").wait_for()

    assert counted.clicks == 2
    ret.refresh_from_db()
    assert (ret.status, ret.rejection_reason) == (ReturnStatus.REJECTED, "The dress was worn and washed.")
    rejected = Notification.objects.get(subject_key=f"return:{ret.id}:return_rejected", channel="email")
    assert "Rochia a fost purtată și spălată." in rejected.body


def test_bulk_reject_with_one_reason(
    manager_page: Any, live_server: Any, casa_verde: Any, screenshot: Callable[..., Any]
) -> None:
    first = request_return(casa_verde, ("Rochie de in", "apparel", 1, "80.00"), number="1045")
    second = request_return(casa_verde, ("Eșarfă", "apparel", 1, "25.00"), number="1046")
    page = manager_page
    page.goto(f"{live_server.url}/admin/returns/return/")
    for ret in (first, second):
        page.locator(f"input[name=_selected_action][value='{ret.id}']").check()
    page.select_option("select[name=action]", "reject")
    page.click("button[name=index]")
    page.get_by_label("Reason the shopper reads").fill("Returned after the 30 days.")
    screenshot(page, "desk-bulk-reject", widths=(1280,))
    page.get_by_role("button", name="Reject and tell the shoppers").click()
    page.get_by_text("2 returns rejected.").wait_for()

    for ret in (first, second):
        ret.refresh_from_db()
        assert (ret.status, ret.rejection_reason) == (ReturnStatus.REJECTED, "Returned after the 30 days.")
