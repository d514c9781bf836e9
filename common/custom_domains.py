"""Serve a brand's shopper pages on its own host: track.casaverde.example/track/<token>/.

On a brand's custom domain the shopper paths (/track/, /returns/, /help/, /policy/) are routed as
if they were under /<brand-slug>/; everything else that is not a static asset or the language
switcher is not served there (no admin, no API, no other brand's pages on a merchant's domain).
"""

import logging
from collections.abc import Callable
from typing import Final
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect

from brands import selectors as brand_selectors

logger = logging.getLogger(__name__)

SHOPPER_ROOTS: Final = frozenset({"track", "returns", "help", "policy"})
SHARED_ROOTS: Final = frozenset({"static", "media", "i18n"})


def _own_hosts() -> frozenset[str]:
    site = urlsplit(settings.SITE_URL).hostname or ""
    return frozenset({site, "localhost", "127.0.0.1", "testserver"})


def brand_slug_for_host(host: str) -> str:
    """The slug of the brand whose custom domain this is, '' if none; from memory (brands/cache.py)."""
    name = host.split(":")[0].lower().rstrip(".")
    if not name or name in _own_hosts():
        return ""
    brand = brand_selectors.brand_by_host(host=name)
    return brand.slug if brand else ""


class CustomDomainMiddleware:
    """Route a custom domain's shopper paths to its brand; place it before CommonMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            slug = brand_slug_for_host(request.get_host())
        except DisallowedHost:
            return self.get_response(request)  # CommonMiddleware answers 400 as usual
        if not slug:
            return self.get_response(request)
        first = request.path_info.lstrip("/").split("/", 1)[0]
        if request.path_info == "/":
            return HttpResponseRedirect("/track/")
        if first in SHOPPER_ROOTS:
            request.path_info = f"/{slug}{request.path_info}"
            request.path = f"{request.META.get('SCRIPT_NAME', '').rstrip('/')}{request.path_info}"
        elif first != slug and first not in SHARED_ROOTS:
            return HttpResponseNotFound()
        return self.get_response(request)
