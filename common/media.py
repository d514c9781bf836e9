"""Uploaded files (brand logos) served by the application itself, in production as in development.

Only image types we accept are served as what they are; an SVG gets a policy that lets it draw and
nothing else (no script, no fetches), so even an SVG opened on its own cannot run code on our origin.
Upload names are unique (see brands.models.logo_upload_to), so a file's URL may be cached for a year.
"""

from pathlib import Path
from typing import Final

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

SERVED_TYPES: Final[dict[str, str]] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
SVG_POLICY: Final = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
A_YEAR: Final = 365 * 24 * 3600


@require_safe
def serve_media(request: HttpRequest, path: str) -> FileResponse:
    """One stored upload with a fixed Content-Type; anything outside MEDIA_ROOT or of another type is a 404."""
    if "\x00" in path:
        raise Http404
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except (SuspiciousFileOperation, ValueError):  # a path that leaves MEDIA_ROOT
        raise Http404 from None
    content_type = SERVED_TYPES.get(full_path.suffix.lower())
    if content_type is None or not full_path.is_file():
        raise Http404
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    response.headers["Cross-Origin-Resource-Policy"] = "same-site"
    if content_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
