"""The baseline the webhook acknowledgement is compared with: a Django view that stores the body in one INSERT.

Served only by the bench scripts (ROOT_URLCONF = "bench.bare_insert"), next to the product's own URLs.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from postpurchase.urls import urlpatterns as product_urlpatterns

TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_bare_insert "
    "(id bigserial PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now())"
)


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare_insert (body) VALUES (%s)", [request.body.decode()])
    return JsonResponse({"result": "received"}, status=202)


urlpatterns = [path("bench/bare-insert/", bare_insert), *product_urlpatterns]
