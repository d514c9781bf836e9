"""What every shopper-facing page shares: its language, its brand theme and its response headers.

Pages extend templates/base_shopper.html, pass `brand` in the context, pick the language with
`shopper_locale` and render inside `translation.override`, and wrap the view in `shopper_page`.
"""

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Final

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.utils.safestring import SafeString, mark_safe

from brands.models import FONT_STACKS, Brand, FontFamily
from common.colours import (
    TEXT_CONTRAST,
    mix,
    readable_text_on,
    safe_colour,
    shade_for_contrast,
)
from common.locales import LOCALE_CHOICES, SHOPPER_LOCALES

NATIVE_NAMES: Final[dict[str, str]] = dict(LOCALE_CHOICES)
PAGE_BACKGROUND: Final = "#ffffff"
SURFACE: Final = "#f4f5f7"  # cards and panels sit on this: brand shades are checked against the darker one
NEUTRAL_PRIMARY: Final = "#1f2937"
NEUTRAL_ACCENT: Final = "#2563eb"
# Link previews (chat apps unfurling the SMS link) and crawlers are not shoppers looking.
BOT_USER_AGENT: Final = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|skype|headless|python-|curl|wget",
    re.IGNORECASE,
)


def enabled_locales(brand: Brand | None) -> list[str]:
    """The brand's shopper languages that we support, in the brand's order; never empty."""
    codes = brand.enabled_locales if brand is not None and isinstance(brand.enabled_locales, list) else []
    supported = [code for code in codes if code in SHOPPER_LOCALES]
    default = brand.default_locale if brand is not None else settings.LANGUAGE_CODE
    return supported or [default if default in SHOPPER_LOCALES else "en"]


def shopper_locale(*, request: HttpRequest, brand: Brand | None, preferred: Iterable[str | None] = ()) -> str:
    """The page's language among the brand's: ?lang=, then the language-switcher cookie, then the
    preferred ones given (customer's, order's), then the brand's default."""
    allowed = enabled_locales(brand)
    candidates = [
        request.GET.get("lang", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
        *preferred,
        brand.default_locale if brand is not None else "",
    ]
    for candidate in candidates:
        code = (candidate or "").replace("_", "-").split("-")[0].lower()
        if code in allowed:
            return code
    return allowed[0]


STAFF_VIEW_PARAM: Final = "staff_view"
_staff_view_signer = signing.Signer(salt="common.shopper.staff-view")


def staff_view_signature(token: str) -> str:
    """What the console's "View as shopper" link carries for one page token; only our SECRET_KEY makes it."""
    return _staff_view_signer.signature(token)


def is_staff_view(request: HttpRequest, *, token: str) -> bool:
    """Whether the request came from the console's "View as shopper" link for this very page."""
    given = request.GET.get(STAFF_VIEW_PARAM, "")
    return bool(given) and constant_time_compare(given, staff_view_signature(token))


def is_counted_view(request: HttpRequest) -> bool:
    """Whether a request is a shopper looking: not HEAD, not a prefetch, not a bot or link preview."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    return not BOT_USER_AGENT.search(request.headers.get("User-Agent", ""))


@dataclass(frozen=True)
class BrandTheme:
    """The brand's colours and font, each paired with a colour that keeps its text at WCAG AA."""

    primary: str
    on_primary: str
    accent: str
    on_accent: str
    ink: str  # the primary, shaded if needed, for links and headings on the page background
    accent_ink: str  # the accent, shaded if needed, for progress markers and focus rings
    tint: str  # a pale wash of the primary for highlighted panels
    font_stack: str

    def css(self) -> SafeString:
        """CSS custom properties for the page; every value is a checked hex colour or a fixed font stack."""
        values = {
            "--brand": self.primary,
            "--on-brand": self.on_primary,
            "--accent": self.accent,
            "--on-accent": self.on_accent,
            "--ink-brand": self.ink,
            "--ink-accent": self.accent_ink,
            "--tint": self.tint,
            "--font": self.font_stack,
        }
        declarations = ";".join(f"{name}:{value}" for name, value in values.items())
        return mark_safe(f":root{{{declarations}}}")  # noqa: S308 - hex colours and our own font stacks only


def brand_theme(brand: Brand | None) -> BrandTheme:
    """The brand's theme; text on the brand colours and brand-coloured text both pass WCAG AA."""
    primary = safe_colour(getattr(brand, "primary_colour", None), fallback=NEUTRAL_PRIMARY)
    accent = safe_colour(getattr(brand, "accent_colour", None), fallback=NEUTRAL_ACCENT)
    font = getattr(brand, "font", FontFamily.SYSTEM)
    ink = shade_for_contrast(primary, against=SURFACE, ratio=TEXT_CONTRAST)
    accent_ink = shade_for_contrast(accent, against=SURFACE, ratio=TEXT_CONTRAST)
    return BrandTheme(
        primary=primary,
        on_primary=readable_text_on(primary),
        accent=accent_ink,
        on_accent=readable_text_on(accent_ink),
        ink=ink,
        accent_ink=accent_ink,
        tint=mix(ink, PAGE_BACKGROUND, weight=0.92),
        font_stack=FONT_STACKS.get(font, FONT_STACKS[FontFamily.SYSTEM]),
    )


def content_security_policy(nonce: str) -> str:
    """Our own styles and images only, plus the merchant's product pictures over https."""
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' https: data:",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        )
    )


def shopper_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a shopper page view: a CSP nonce for the brand's inline theme, and headers fit for a
    public page that shows personal order data (no caching by proxies, no indexing, no referrer to other sites)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        # A 304 updates the headers the browser stored with the page it keeps: a new nonce there
        # would no longer match that page's <style nonce>, so the stored policy stands.
        if response.status_code != 304:
            response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        # Not "no-referrer": browsers then send `Origin: null` with form posts and CSRF checks fail.
        # same-origin keeps the page's token out of every request to another site.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response

    return wrapped


def language_choices(brand: Brand | None) -> list[tuple[str, str]]:
    """(code, native name) for the brand's languages, for the language switcher."""
    return [(code, NATIVE_NAMES.get(code, code)) for code in enabled_locales(brand)]


def render_shopper(
    request: HttpRequest,
    template: str,
    *,
    brand: Brand | None,
    locale: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a shopper page in the shopper's language, saying which language it is in."""
    from django.shortcuts import render
    from django.utils import translation

    with translation.override(locale):
        response = render(
            request, template, {"brand": brand, "locale": locale, **(context or {})}, status=status
        )
    response.headers["Content-Language"] = locale
    return response
