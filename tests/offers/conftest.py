from tests.browser.conftest import axe_check, browser, page, screenshot  # noqa: F401 - browser fixtures
from tests.loyalty.conftest import make_order, member, policy_rules, programme, reasons  # noqa: F401 - fixtures
