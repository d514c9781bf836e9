"""The baselines: the least a Django view can do for one row read and for one row written."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bench.models import BaselineRow
from brands.models import Brand


@require_GET
def one_row(request: HttpRequest, slug: str) -> HttpResponse:
    """Read one brand by slug (one indexed SELECT) and answer a tiny HTML page."""
    name = Brand.objects.filter(slug=slug).values_list("name", flat=True).first()
    if name is None:
        return HttpResponse("unknown", status=404)
    return HttpResponse(f"<!doctype html><title>{escape(name)}</title><p>{escape(name)}</p>")


@csrf_exempt
@require_POST
def one_insert(request: HttpRequest) -> JsonResponse:
    """Store the request body in one INSERT (autocommit: one commit) and acknowledge it."""
    BaselineRow.objects.create(body=request.body.decode("utf-8", errors="replace"))
    return JsonResponse({"result": "stored"}, status=202)
