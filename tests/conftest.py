"""Test set-up: real Postgres and Redis, no network beyond loopback, factories as fixtures."""

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings

from postpurchase.celery import app as celery_app
from scripts.check_services import unreachable
from tests import factories
from tests.ingest import IngestingClient


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once, with a way out, when Postgres or Redis is not there."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    problem = unreachable(
        database_url=os.environ.get("DATABASE_URL", ""), redis_url=os.environ.get("REDIS_URL", "")
    )
    if problem:
        pytest.exit(problem, 3)


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_collectstatic() -> Iterator[None]:
    """Pages link plain static names, found in the apps' folders: no collectstatic before each run.

    With DEBUG off the product links hashed names from the manifest collectstatic writes; that path
    is tested on its own, with one collectstatic run (tests/common/test_static_files.py).
    """
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**django_settings.STORAGES, "staticfiles": plain}):
        yield


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(settings: Any) -> Iterator[None]:
    """Each test gets its own Redis key space (rate limits never leak) and runs tasks in-process."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        },
        "ratelimit": {
            "BACKEND": "common.ratelimits.FailoverRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": prefix,
        },
    }
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_webhook_credentials() -> Iterator[None]:
    """Brand ids are reused across tests' rolled-back data: no cached webhook secret outlives a test."""
    from brands.selectors import webhook_credentials_forget

    webhook_credentials_forget()
    yield
    webhook_credentials_forget()


@pytest.fixture
def client() -> IngestingClient:
    """The test client; the webhooks it posts are processed as the ingest workers would (tests.ingest)."""
    return IngestingClient()


@pytest.fixture
def admin_client(db: None, admin_user: Any) -> IngestingClient:
    client = IngestingClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def postgres() -> None:
    assert connection.vendor == "postgresql"


@pytest.fixture
def brand(db: None) -> Any:
    return factories.BrandFactory(slug="casa-verde", name="Casa Verde", default_locale="ro")


@pytest.fixture
def other_brand(db: None) -> Any:
    return factories.BrandFactory(slug="northwind", name="Northwind Outfitters", default_locale="en")


@pytest.fixture
def customer(brand: Any) -> Any:
    return factories.CustomerFactory(brand=brand, email="ioana@example.com", locale="ro")


@pytest.fixture
def order(brand: Any, customer: Any) -> Any:
    order = factories.OrderFactory(brand=brand, customer=customer, number="1001")
    factories.OrderLineFactory(order=order, quantity=2)
    factories.OrderLineFactory(order=order, quantity=1)
    return order


@pytest.fixture
def api_key(brand: Any) -> str:
    from brands.services import api_key_create

    return api_key_create(brand=brand).raw_key


@pytest.fixture
def api(client: Any, api_key: str) -> Any:
    """A Django test client that sends this brand's API key."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key}"
    return client


@pytest.fixture
def staff_of(db: None) -> Any:
    """Make a staff user of a brand with a role: staff_of(brand, "owner")."""
    from brands.services import membership_grant

    def make(brand: Any, role: str, username: str | None = None) -> Any:
        user = factories.UserFactory(username=username or f"{brand.slug}-{role}-{uuid.uuid4().hex[:6]}")
        membership_grant(user_id=user.id, brand=brand, role=role)
        user.refresh_from_db()
        return user

    return make
