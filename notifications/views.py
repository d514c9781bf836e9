"""Twilio webhooks: delivery status callbacks and inbound STOP / START / HELP.

Both are thin: read a bounded form body, check X-Twilio-Signature, call one service. Malformed
input is a short 4xx, never a 500; the body is parsed strictly because Twilio always sends
well-formed, percent-encoded UTF-8 forms.
"""

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from common.numbers import is_plain_number
from notifications import services

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MULTIPART_MEDIA_TYPE = "multipart/form-data"
# A notification id in the callback URL (`?n=`): a bigint has at most 19 digits.
MAX_HINT_DIGITS = 18


class BadTwilioRequest(Exception):
    """The request cannot be what Twilio sends; answered with its status and a short message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError as exc:
        raise BadTwilioRequest(400, "Content-Length is not a number.") from exc


def _form(request: HttpRequest) -> MultiValueDict[str, str]:
    """The POST parameters, every value kept (Twilio signs repeated names too); raises BadTwilioRequest."""
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    if _content_length(request) > limit:
        raise BadTwilioRequest(413, f"Body exceeds the {limit}-byte limit.")
    media_type = request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if media_type == MULTIPART_MEDIA_TYPE:
        return _multipart_form(request)
    if media_type != FORM_MEDIA_TYPE:
        raise BadTwilioRequest(415, f"Content-Type must be {FORM_MEDIA_TYPE}.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise BadTwilioRequest(413, f"Body exceeds the {limit}-byte limit.")
    try:
        pairs = parse_qsl(
            body.decode("ascii"),
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError as exc:  # UnicodeDecodeError included: not ASCII, or not UTF-8 once decoded
        raise BadTwilioRequest(400, "Body is not a valid form.") from exc
    params: MultiValueDict[str, str] = MultiValueDict()
    for name, value in pairs:
        params.appendlist(name, value)
    return params


def _multipart_form(request: HttpRequest) -> MultiValueDict[str, str]:
    """Twilio posts url-encoded forms; a multipart form of plain fields is read the same way."""
    try:
        fields, files = request.POST, request.FILES
    except (MultiPartParserError, SuspiciousOperation, ValueError) as exc:
        raise BadTwilioRequest(400, "Body is not a valid form.") from exc
    if files:
        raise BadTwilioRequest(400, "Files are not accepted.")
    return MultiValueDict(dict(fields.lists()))


def _signed(request: HttpRequest, params: MultiValueDict[str, str]) -> bool:
    """X-Twilio-Signature over the public URL Twilio called and the form parameters."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    return bool(RequestValidator(token).validate(url, params, signature))


def _verified_form(request: HttpRequest) -> MultiValueDict[str, str]:
    params = _form(request)
    if not _signed(request, params):
        raise BadTwilioRequest(403, "Invalid or missing X-Twilio-Signature.")
    if any("\x00" in name or "\x00" in value for name, values in params.lists() for value in values):
        raise BadTwilioRequest(400, "Parameters must not contain NUL characters.")
    return params


def _refusal(exc: BadTwilioRequest) -> JsonResponse:
    return JsonResponse({"detail": exc.message}, status=exc.status)


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> JsonResponse:
    try:
        params = _verified_form(request)
    except BadTwilioRequest as exc:
        return _refusal(exc)
    sid = params.get("MessageSid", "")[:64]
    status = params.get("MessageStatus", "")[:20]
    if not sid or not status:
        return JsonResponse({"detail": "MessageSid and MessageStatus are required."}, status=400)
    hint = request.GET.get("n", "")
    known = services.provider_status_apply(
        message_sid=sid,
        status=status,
        error_code=params.get("ErrorCode", "")[:20],
        notification_id=int(hint) if is_plain_number(hint) and len(hint) <= MAX_HINT_DIGITS else None,
    )
    if not known:
        return JsonResponse({"detail": "Unknown MessageSid."}, status=404)
    return JsonResponse({"detail": "ok"})


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    try:
        params = _verified_form(request)
    except BadTwilioRequest as exc:
        return _refusal(exc)
    from_number, to_number = params.get("From", ""), params.get("To", "")
    if not from_number or not to_number:
        return JsonResponse({"detail": "From and To are required."}, status=400)
    reply = services.sms_inbound_apply(
        from_number=from_number[:20], to_number=to_number[:20], body=params.get("Body", "")[:1600]
    )
    twiml = f"<Response><Message>{escape(reply)}</Message></Response>" if reply else "<Response></Response>"
    return HttpResponse(f'<?xml version="1.0" encoding="UTF-8"?>{twiml}', content_type="text/xml")
