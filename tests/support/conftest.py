from typing import Any

import pytest

from brands.models import Role
from brands.services import membership_grant
from support import services
from tests import factories


@pytest.fixture
def help_centre(brand: Any, other_brand: Any) -> None:
    """Both brands get the starter answers in en, ro, pl and ru."""
    services.help_centre_starter_install(brand=brand)
    services.help_centre_starter_install(brand=other_brand)


def staff(brand: Any, role: str, username: str) -> Any:
    user = factories.UserFactory(username=username)
    user.set_password("pw")
    user.save()
    membership_grant(user_id=user.id, brand=brand, role=role)
    return user


@pytest.fixture
def agent(brand: Any) -> Any:
    return staff(brand, Role.SUPPORT_AGENT, "ana-agent")


@pytest.fixture
def other_agent(other_brand: Any) -> Any:
    return staff(other_brand, Role.SUPPORT_AGENT, "nora-agent")


@pytest.fixture
def question(brand: Any, order: Any) -> Any:
    case, _ = services.case_open(
        brand=brand,
        data=services.CaseInput(
            kind="question",
            subject="Unde este coletul?",
            body="Bună, comanda mea nu a ajuns încă.",
            order_id=order.id,
            customer_id=order.customer_id,
        ),
    )
    return case


# The shared browser fixtures, for the browser tests of this directory.
from tests.browser.conftest import axe_check, browser, page, page_without_js, screenshot  # noqa: E402, F401
