"""Shopper photos: only real images of a bounded size and shape are kept."""

from dataclasses import dataclass
from typing import IO, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

FORMATS: Final[dict[str, tuple[str, str]]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
MAX_PIXELS: Final = 40_000_000  # well above any phone camera, far below a decompression bomb
MAX_PHOTOS: Final = 5


def max_photo_bytes() -> int:
    return int(getattr(settings, "RETURNS_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedPhoto:
    file: IO[bytes]
    content_type: str
    extension: str
    size: int
    width: int
    height: int


def check_photo(file: IO[bytes], *, size: int) -> CheckedPhoto:
    """The photo's real type and size, or a ValidationError in the shopper's language."""
    limit = max_photo_bytes()
    if size > limit:
        raise ValidationError(
            _("Each photo may be at most %(megabytes)s MB.") % {"megabytes": limit // (1024 * 1024)},
            code="too_large",
        )
    try:
        file.seek(0)
        with Image.open(file) as image:
            kind = image.format or ""
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("This photo is too large. Please send a smaller one."), code="too_large"
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."), code="not_image"
        ) from exc
    if kind not in FORMATS:
        raise ValidationError(
            _("This file is not a photo we can read. Send a JPEG, PNG or WebP image."), code="not_image"
        )
    file.seek(0)
    content_type, extension = FORMATS[kind]
    return CheckedPhoto(
        file=file, content_type=content_type, extension=extension, size=size, width=width, height=height
    )
