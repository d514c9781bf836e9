"""The console's main lists at a 1280 px desktop: every column fits, nothing scrolls sideways."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from brands.models import Brand
from orders.models import Order
from returns.models import ReturnRule
from support import services as support_services
from tests import factories

MAIN_LISTS = {
    "orders": "/admin/orders/order/",
    "shipments": "/admin/tracking/shipment/",
    "returns": "/admin/returns/return/",
    "cases": "/admin/support/case/",
    "notifications": "/admin/notifications/notification/",
    "customers": "/admin/orders/customer/",
}

# An owner sees every main list once the cases and messages views are granted (support's own role).
VIEW_ALL = ("view_case", "view_notification")

# Walks up from the list's table: a box that scrolls (overflow-x auto or scroll) and whose content is
# wider than itself is a sideways scroll bar; so is a page wider than the window.
OVERFLOW = """() => {
    const wide = [];
    if (document.documentElement.scrollWidth > window.innerWidth) wide.push('page');
    let box = document.querySelector('#result_list');
    while (box) {
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        if (scrolls && box.scrollWidth > box.clientWidth + 1) {
            wide.push(`${box.tagName}.${box.className}: ${box.scrollWidth} > ${box.clientWidth}`);
        }
        box = box.parentElement;
    }
    return wide;
}"""


@pytest.fixture
def demo_data(transactional_db: None, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.CELERY_BROKER_URL = "memory://localhost/"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TWILIO_ACCOUNT_SID = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=io.StringIO())
        brand = Brand.objects.order_by("id").first()
        for order in Order.objects.filter(brand=brand).select_related("customer")[:4]:
            data = {
                "kind": "problem",
                "subject": "The parcel arrived with the box crushed and one mug broken",
                "body": "Could you send a new one?",
                "order_id": order.id,
                "email": order.customer.email,
            }
            support_services.case_open(brand=brand, data=support_services.CaseInput(**data))


def _log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "a-long-test-password")
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.browser
def test_the_main_lists_fit_a_1280_px_screen_in_the_brand_s_time(
    demo_data: None, live_server: Any, page: Any, screenshot: Any
) -> None:
    from brands.services import membership_grant

    brand = Brand.objects.order_by("id").first()
    assert brand is not None
    Brand.objects.filter(id=brand.id).update(timezone="Europe/Bucharest")
    staff = factories.UserFactory(username="casa-owner")
    staff.set_password("a-long-test-password")
    staff.save()
    membership_grant(user_id=staff.id, brand=brand, role="owner")
    staff.user_permissions.add(*Permission.objects.filter(codename__in=VIEW_ALL))
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, live_server, staff.username)

    assert _overflowing_lists(page, live_server, screenshot, "console-list") == {}

    page.goto(f"{live_server.url}/admin/tracking/shipment/")
    first_row = page.locator("#result_list tbody tr").first.inner_text()
    assert "EET" in first_row or "EEST" in first_row, first_row

    # A rule changed on its page: the history page shows old → new and who, in the brand's time.
    rule = ReturnRule.objects.filter(brand=brand).order_by("id").first()
    assert rule is not None
    page.goto(f"{live_server.url}/admin/returns/returnrule/{rule.id}/change/")
    page.fill("input[name=window_days]", str(rule.window_days + 16))
    page.click("button[name=_save]")
    page.goto(f"{live_server.url}/admin/returns/returnrule/{rule.id}/history/")
    screenshot(page, "console-rule-history", widths=(1280,))
    page.set_viewport_size({"width": 1280, "height": 800})
    history = page.locator("#change-history tbody tr").first.inner_text()
    assert f"{rule.window_days}" in history
    assert f"{rule.window_days + 16}" in history
    assert "casa-owner" in history
    assert "EET" in history

    # A superuser sees every brand, with the brand column, and times in UTC said as such.
    page.context.clear_cookies()
    root = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    root.set_password("a-long-test-password")
    root.save()
    _log_in(page, live_server, root.username)
    assert _overflowing_lists(page, live_server, screenshot, "console-list-all-brands") == {}
    page.goto(f"{live_server.url}/admin/tracking/shipment/")
    assert "UTC" in page.locator("#result_list tbody tr").first.inner_text()


def _overflowing_lists(page: Any, live_server: Any, screenshot: Any, prefix: str) -> dict[str, list[str]]:
    overflowing = {}
    for name, path in MAIN_LISTS.items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("#result_list tbody tr").count() > 0, name
        screenshot(page, f"{prefix}-{name}", widths=(1280,))
        page.set_viewport_size({"width": 1280, "height": 800})
        if wide := page.evaluate(OVERFLOW):
            overflowing[name] = wide
    return overflowing
