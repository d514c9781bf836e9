"""What /api/schema/ promises: envelopes, limits, error bodies and the constraints the server enforces."""

from typing import Any

import pytest
import yaml

from common.api import MAX_OFFSET, MAX_PAGE_LIMIT

LISTS = ["/api/v1/orders/", "/api/v1/shipments/", "/api/v1/returns/"]


@pytest.fixture(scope="module")
def document(django_db_blocker: Any) -> dict[str, Any]:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema or "allOf" in schema:
        if "allOf" in schema:
            schema = schema["allOf"][0]
            continue
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize("path", LISTS)
def test_lists_describe_their_page_and_its_bounds(document: dict[str, Any], path: str) -> None:
    operation = document["paths"][path]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert parameters["limit"]["maximum"] == MAX_PAGE_LIMIT
    assert parameters["limit"]["minimum"] == 1
    assert parameters["offset"]["minimum"] == 0
    assert parameters["offset"]["maximum"] == MAX_OFFSET
    assert parameters["cursor"]["type"] == "string"
    page = resolve(document, operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert set(page["required"]) == {"count", "next", "previous", "results"}
    assert page["properties"]["results"]["maxItems"] == MAX_PAGE_LIMIT
    assert page["properties"]["count"]["nullable"] is True  # null above MAX_COUNT rows
    assert set(operation["responses"]) >= {"200", "400", "401", "429"}


def test_every_operation_documents_its_errors_in_one_shape(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method == "post":
                assert {"400", "413", "415"} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"}


def test_request_bodies_say_what_the_server_refuses(document: dict[str, Any]) -> None:
    order = resolve(document, {"$ref": "#/components/schemas/OrderInputRequest"})
    assert order["properties"]["external_id"]["minLength"] == 1
    assert order["properties"]["external_id"]["maxLength"] == 64
    currency = resolve(document, order["properties"]["currency"])
    assert "RON" in currency["enum"]
    assert "XYZ" not in currency["enum"]
    assert order["properties"]["lines"]["maxItems"] == 500
    line = resolve(document, order["properties"]["lines"]["items"])
    assert line["properties"]["unit_price"]["pattern"] == r"^\d{1,10}(\.\d{1,2})?$"
    assert line["properties"]["quantity"]["maximum"] == 10_000


def test_a_return_describes_its_nested_objects(document: dict[str, Any]) -> None:
    ret = resolve(document, {"$ref": "#/components/schemas/ReturnOutput"})
    order = resolve(document, ret["properties"]["order"])
    assert set(order["required"]) == {"id", "number", "external_id"}
    reason = resolve(document, ret["properties"]["reason"])
    assert reason["properties"]["brand_fault"]["type"] == "boolean"
    parcel = resolve(document, ret["properties"]["return_shipment"])
    assert "delivered" in resolve(document, parcel["properties"]["status"])["enum"]
