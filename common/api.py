"""API plumbing shared by every app: bounded JSON bodies, bounded pages, one JSON error shape."""

import base64
import binascii
import io
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import IO, Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from common.numbers import is_plain_number

MAX_PAGE_LIMIT: Final = 100
MAX_PAGE_OFFSET: Final = 1_000_000_000
# Offsets past this are refused (400): deep pages are read by cursor, at the same cost as the first.
MAX_OFFSET: Final = 10_000
# `count` is exact up to this many rows, and null beyond.
MAX_COUNT: Final = 10_000
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
    offset = serializers.IntegerField(min_value=0, max_value=MAX_PAGE_OFFSET, required=False)
    cursor = serializers.CharField(max_length=200, required=False)

    def validate_offset(self, value: int) -> int:
        if value > MAX_OFFSET:
            raise serializers.ValidationError(
                _("Offsets past %(max)s are not served: follow the `next` link (cursor pages) instead.")
                % {"max": MAX_OFFSET}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("offset") and attrs.get("cursor"):
            raise serializers.ValidationError(_("Give either cursor or offset, not both."))
        return attrs


class InvalidCursor(ValidationError):
    default_detail = _("This cursor is not one the API gave: start again from the first page.")


class _Row(Func):
    """A row value, `(a, b)`: compared as a whole, which an index on (a, b) answers."""

    template = "(%(expressions)s)"
    output_field = models.Field()


def encode_cursor(*, key: Any, row_id: int, backwards: bool = False) -> str:
    """The opaque cursor of a page starting after (or, BACKWARDS, before) the row (key, row_id)."""
    value = key.isoformat() if hasattr(key, "isoformat") else str(key)
    payload = json.dumps([value, row_id, "p" if backwards else "n"], separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, bool]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, row_id, direction = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        key = datetime.fromisoformat(value)
        if key.tzinfo is None or not isinstance(row_id, int) or not 0 < row_id <= MAX_ID:
            raise ValueError
        if direction not in ("n", "p"):
            raise ValueError
    except (ValueError, TypeError, UnicodeError, binascii.Error, OverflowError) as exc:
        raise InvalidCursor({"cursor": [InvalidCursor.default_detail]}) from exc
    return key, row_id, direction == "p"


class BoundedPagination(BasePagination):
    """Pages of at most MAX_PAGE_LIMIT rows, newest first, that cost the same on page 1 and page 10 000.

    `next` and `previous` are cursor links: the page after (before) the last (first) row, found through
    the index on (brand, KEY, id), whatever the depth. `?offset=` still works up to MAX_OFFSET (a 400
    beyond, pointing at `next`). `count` is exact up to MAX_COUNT rows and null above: counting a
    million rows on every page is what made deep pages slow.

    The view names its key: `keyset_field` (a date-time column; rows are ordered by it, then id, newest
    first).
    """

    max_limit = MAX_PAGE_LIMIT
    default_limit = MAX_PAGE_LIMIT

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        params = PageParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        self.request = request
        self.field = view.keyset_field
        self.limit = min(data.get("limit", self.default_limit), MAX_PAGE_LIMIT)
        self.offset = data.get("offset", 0)
        ordered = queryset.order_by(f"-{self.field}", "-id")
        counted = ordered.order_by().values("pk")[: MAX_COUNT + 1].count()
        self.count = counted if counted <= MAX_COUNT else None
        backwards = False
        if cursor := data.get("cursor"):
            key, row_id, backwards = decode_cursor(cursor)
            here = _Row(Value(key, output_field=models.DateTimeField()), Value(row_id))
            keyed = _Row(F(self.field), F("id"))
            if backwards:
                ordered = queryset.filter(GreaterThan(keyed, here)).order_by(self.field, "id")
            else:
                ordered = ordered.filter(LessThan(keyed, here))
            rows = list(ordered[: self.limit + 1])
        else:
            rows = list(ordered[self.offset : self.offset + self.limit + 1])
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, bool(cursor or self.offset)
        self.rows = rows
        return rows

    def _link(self, *, row: Any, backwards: bool) -> str:
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, "offset")
        cursor = encode_cursor(key=getattr(row, self.field), row_id=row.pk, backwards=backwards)
        return replace_query_param(url, "cursor", cursor)

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(row=self.rows[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.rows:
            return None
        return self._link(row=self.rows[0], backwards=True)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"Number of results to return per page; at most {MAX_PAGE_LIMIT} (a larger "
                f"value is reduced to {MAX_PAGE_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_LIMIT},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Where the page starts: copied from the `next` or `previous` link of the page "
                "before. Pages by cursor cost the same at any depth.",
                "schema": {"type": "string", "maxLength": 200},
            },
            {
                "name": "offset",
                "required": False,
                "in": "query",
                "description": f"The initial index from which to return the results, at most {MAX_OFFSET}; "
                "deeper pages are reached by following `next`. Not with `cursor`.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "minimum": 0,
                    "description": f"How many rows match, when at most {MAX_COUNT}; null when more.",
                },
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page (a cursor link), or null on the last page.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The page before (a cursor link), or null on the first page.",
                },
                "results": {**schema, "maxItems": MAX_PAGE_LIMIT},
            },
        }


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
