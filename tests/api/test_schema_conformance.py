"""The OpenAPI schema against the running API: generated requests, real Postgres, every answer as described."""

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from brands.services import api_key_create
from loyalty import codes
from returns import services as returns_services
from tests import factories
from tests.returns.conftest import lines_of
from tracking.models import Shipment

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

# Built by the same generator that serves /api/schema/; loaded at collection, so no database is needed.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()

# Ids and keys of the rows seeded for the running test: generated paths and bodies use them half the
# time, so detail operations and writes reach real objects and not only 404s.
SEEDED: dict[str, list[Any]] = {}


def _sometimes_seeded(values: Any) -> st.SearchStrategy[Any]:
    if not isinstance(values, dict):
        return st.just(values)
    known = {name: SEEDED[name] for name in values if SEEDED.get(name)}
    if not known:
        return st.just(values)
    real = st.fixed_dictionaries({name: st.sampled_from(choices) for name, choices in known.items()})
    return st.one_of(st.just(values), real.map(lambda chosen: {**values, **chosen}))


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[Any]:
    return _sometimes_seeded(path_parameters)


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    return _sometimes_seeded(body)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go through the real WSGI handler, which would close the test's open transaction.

    Django's own test client does the same around each request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(
    brand: Any, other_brand: Any, order: Any, make_order: Any, reasons: Any, policy_rules: None
) -> Iterator[dict[str, str]]:
    """A key of one brand, with a few rows of its own and of another brand to stumble on."""
    shipment = Shipment.objects.create(brand=brand, order=order, carrier_code="dpd", tracking_number="DPD1")
    delivered = make_order(("home", 2, "30.00"))
    ret = returns_services.return_request(
        brand=brand,
        order_id=delivered.id,
        lines=lines_of(delivered, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    code = codes.discount_code_issue(brand_id=brand.id, customer_id=None, purpose="points", value=Decimal(10))
    theirs = factories.OrderFactory(brand=other_brand, number="9001")
    factories.OrderLineFactory(order=theirs)
    foreign = Shipment.objects.create(
        brand=other_brand, order=theirs, carrier_code="dpd", tracking_number="DPD9"
    )
    SEEDED.update(
        order_id=[order.id, delivered.id, theirs.id],
        shipment_id=[shipment.id, foreign.id],
        rma=[ret.rma],
        code=[code.code],
    )
    yield {"Authorization": f"Bearer {api_key_create(brand=brand).raw_key}"}
    SEEDED.clear()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_as_its_schema_says(case: Any, auth_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=auth_headers, checks=CHECKS)
