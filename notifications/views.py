"""Twilio webhooks: delivery status callbacks and inbound STOP / START / HELP."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from notifications import services


def _signed(request: HttpRequest) -> bool:
    """X-Twilio-Signature over the public URL Twilio called and the form parameters."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = f"{settings.SITE_URL}{request.get_full_path()}"
    params = {key: request.POST.get(key, "") for key in request.POST}
    return bool(RequestValidator(token).validate(url, params, signature))


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> JsonResponse:
    if not _signed(request):
        return JsonResponse({"detail": "Invalid or missing X-Twilio-Signature."}, status=403)
    sid = request.POST.get("MessageSid", "")[:64]
    status = request.POST.get("MessageStatus", "")[:20]
    if not sid or not status:
        return JsonResponse({"detail": "MessageSid and MessageStatus are required."}, status=400)
    hint = request.GET.get("n", "")
    known = services.provider_status_apply(
        message_sid=sid,
        status=status,
        error_code=request.POST.get("ErrorCode", "")[:20],
        notification_id=int(hint) if hint.isdigit() else None,
    )
    if not known:
        return JsonResponse({"detail": "Unknown MessageSid."}, status=404)
    return JsonResponse({"detail": "ok"})


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return JsonResponse({"detail": "Invalid or missing X-Twilio-Signature."}, status=403)
    reply = services.sms_inbound_apply(
        from_number=request.POST.get("From", "")[:20],
        to_number=request.POST.get("To", "")[:20],
        body=request.POST.get("Body", "")[:1600],
    )
    twiml = f"<Response><Message>{escape(reply)}</Message></Response>" if reply else "<Response></Response>"
    return HttpResponse(f'<?xml version="1.0" encoding="UTF-8"?>{twiml}', content_type="text/xml")
