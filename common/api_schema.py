"""The OpenAPI description of the API: every operation also lists the errors it really answers with."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from common.api import MAX_ID, ErrorSerializer


def path_id(name: str, description: str) -> OpenApiParameter:
    """A numeric id in the path, as the database can hold it (anything else is a 404)."""
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        OpenApiParameter.PATH,
        required=True,
        description=description,
    )


def path_text(name: str, max_length: int, description: str) -> OpenApiParameter:
    """A text key in the path (anything longer is a 404)."""
    return OpenApiParameter(
        name,
        {"type": "string", "minLength": 1, "maxLength": max_length},
        OpenApiParameter.PATH,
        required=True,
        description=description,
    )


class ErrorSchema(OpenApiSerializerExtension):  # type: ignore[no-untyped-call]
    """ErrorSerializer plus the field messages of invalid input: lists of text, or objects for nested fields."""

    target_class = "common.api.ErrorSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = {
            "oneOf": [{"type": "array", "items": {}}, {"type": "object"}],
            "description": "Messages of one field of the request.",
        }
        return schema


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class ApiAutoSchema(AutoSchema):
    """Every operation also documents the errors it can answer with, in ErrorSerializer's shape."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        writes = self.method in ("POST", "PUT", "PATCH")
        errors: dict[str, OpenApiResponse] = {}
        if writes or self._get_pagination_parameters():
            errors["400"] = _error("Invalid input, with the messages of each field.")
        if self.view.get_authenticators():
            errors["401"] = _error("No API key, or one that is unknown or revoked.")
        if "{" in self.path:
            errors["404"] = _error("Nothing of this brand at this address.")
        if writes:
            errors["413"] = _error(f"Request body over {settings.API_MAX_BODY_BYTES} bytes.")
            errors["415"] = _error("The request body is not JSON.")
        if self.view.get_throttles():
            errors["429"] = _error("Too many requests with this key: wait Retry-After seconds.")
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        if "401" in responses:
            responses["401"]["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer realm."}
            }
        if "429" in responses:
            responses["429"]["headers"] = {
                "Retry-After": {
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Seconds to wait.",
                    "required": True,
                }
            }
        return responses
