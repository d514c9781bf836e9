"""API plumbing shared by every app: bounded JSON bodies, bounded pages, one JSON error shape."""

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from common.numbers import is_plain_number

MAX_PAGE_LIMIT: Final = 100
MAX_PAGE_OFFSET: Final = 1_000_000_000
# Ids are Postgres bigints: a larger number names nothing, and is refused before it reaches a query.
MAX_ID: Final = 2**63 - 1
# The largest amount a money column (12 digits, 2 after the point) holds.
MAX_AMOUNT: Final = Decimal("9999999999.99")


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Request body too large.")
    default_code = "payload_too_large"


class BoundedJSONParser(JSONParser):
    """JSON bodies up to API_MAX_BODY_BYTES.

    DRF streams JSON straight from the socket, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check,
    so the limit is enforced here: never more than one byte past it is read into memory.
    """

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and is_plain_number(declared) and int(declared) > limit:
            raise PayloadTooLarge()
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(body), media_type, parser_context)


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\d{1,10}(\.\d{1,2})?$",
        "example": "49.90",
        "description": "An amount: at most 10 digits, a point and 2 decimals (a JSON number is accepted too).",
    }
)
class MoneyInputField(serializers.DecimalField):
    """A non-negative amount as the database holds it: 12 digits, 2 of them after the point."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=12, decimal_places=2, min_value=Decimal(0), **kwargs)


class PageParamsSerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(min_value=1, required=False)
    offset = serializers.IntegerField(min_value=0, max_value=MAX_PAGE_OFFSET, required=False, default=0)


class BoundedPagination(LimitOffsetPagination):
    """`?limit=&offset=` pages of at most MAX_PAGE_LIMIT rows, so one call cannot pull a whole table.

    A larger limit is reduced to the maximum; a limit or offset that is not a whole number in range is
    a 400, never a silent default and never a database error.
    """

    max_limit = MAX_PAGE_LIMIT

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        self._limit = min(params.validated_data.get("limit", self.default_limit), MAX_PAGE_LIMIT)
        self._offset = params.validated_data["offset"]
        return super().paginate_queryset(queryset, request, view) or []

    def get_limit(self, request: Request) -> int:
        return self._limit

    def get_offset(self, request: Request) -> int:
        return self._offset

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["description"] = (
            f"Number of results to return per page; at most {MAX_PAGE_LIMIT} (a larger value is "
            f"reduced to {MAX_PAGE_LIMIT})."
        )
        limit["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_LIMIT}
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_PAGE_OFFSET, "default": 0}
        return [limit, offset]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope = super().get_paginated_response_schema(schema)
        envelope["required"] = ["count", "next", "previous", "results"]
        envelope["properties"]["count"]["minimum"] = 0
        envelope["properties"]["results"]["maxItems"] = MAX_PAGE_LIMIT
        return envelope


class BrandKeyThrottle(SimpleRateThrottle):
    """Requests per API key (API_RATE_LIMIT, e.g. "1200/min"), so one store's loop cannot starve the rest."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        api_key = request.auth
        key_id = getattr(api_key, "pk", None)
        if key_id is None:
            return None  # unauthenticated calls are answered 401 before they cost anything
        return self.cache_format % {"scope": self.scope, "ident": key_id}


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every 4xx answer of the API.

    For invalid input the messages of each field sit beside `detail` and `code`, nested like the
    request (`non_field_errors` for the request as a whole): `{"detail": "lines: This list may not be
    empty.", "code": "invalid", "lines": ["This list may not be empty."]}`.
    """

    detail = serializers.CharField(help_text="What went wrong, in words for a person.")
    code = serializers.CharField(
        help_text="What went wrong, for a program: e.g. invalid, parse_error, not_authenticated, "
        "authentication_failed, not_found, payload_too_large, unsupported_media_type, throttled, "
        "conflict."
    )


def _first_message(errors: Any, path: str = "") -> str:
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            prefix = path if key == "non_field_errors" else (f"{path}.{key}" if path else str(key))
            return _first_message(value, prefix)
    if isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, (list, Mapping)):
                return _first_message(value, f"{path}[{index}]")
            return f"{path}: {value}" if path else str(value)
    return f"{path}: {errors}" if path else str(errors)


def _error_code(exc: APIException) -> str:
    if isinstance(exc.detail, ErrorDetail):
        return str(exc.detail.code)
    return str(exc.default_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every error in one body (ErrorSerializer): detail, code, and any field errors."""
    # Imported here: rest_framework.views reads the parser and pagination settings, which name
    # this module, while its class body is built.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    if isinstance(exc, Http404):
        exc = NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, APIException):
        return response
    if isinstance(exc.detail, (list, dict)):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            **errors,
            "detail": _first_message(errors) or str(exc.default_detail),
            "code": str(exc.default_code),
        }
    else:
        response.data = {"detail": str(exc.detail), "code": _error_code(exc)}
    return response


@csrf_exempt  # nothing is written here, and API clients send no CSRF token
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/: a JSON 404 like the API's own, not the site's HTML page."""
    return JsonResponse({"detail": str(_("No such API address.")), "code": "not_found"}, status=404)
