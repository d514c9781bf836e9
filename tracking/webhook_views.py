"""`/webhooks/<provider>/<brand>/`: thin endpoints over tracking.webhooks."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from brands.models import Provider
from tracking import webhooks


def _receive(request: HttpRequest, brand_slug: str, provider: str) -> JsonResponse:
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    # Never more than the limit in memory: one byte past it is enough to know it is too large.
    body = request.read(limit + 1)
    outcome = webhooks.inbound_webhook_receive(
        brand_slug=brand_slug,
        provider=provider,
        body=body,
        headers=dict(request.headers),
        query={key: request.GET.get(key, "") for key in request.GET},
        max_body=limit,
    )
    return JsonResponse({"result": outcome.result, "detail": outcome.message}, status=outcome.http_status)


@csrf_exempt
@require_POST
def shopify(request: HttpRequest, brand_slug: str) -> JsonResponse:
    return _receive(request, brand_slug, Provider.SHOPIFY)


@csrf_exempt
@require_POST
def easypost(request: HttpRequest, brand_slug: str) -> JsonResponse:
    return _receive(request, brand_slug, Provider.EASYPOST)


@csrf_exempt
@require_POST
def aftership(request: HttpRequest, brand_slug: str) -> JsonResponse:
    return _receive(request, brand_slug, Provider.AFTERSHIP)


@csrf_exempt
@require_POST
def shippo(request: HttpRequest, brand_slug: str) -> JsonResponse:
    return _receive(request, brand_slug, Provider.SHIPPO)
