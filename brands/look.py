"""The brand's look as rules: what a logo may be, and how readable the chosen colours are.

Pure functions: the console's look page and its preview call them, and the contrast advice uses
the same correction the shopper pages apply (`common.shopper.brand_theme`), so what the merchant
is told is what shoppers will see.
"""

import io
from dataclasses import dataclass
from typing import Final
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from brands.models import Brand
from common.colours import WHITE, contrast_ratio
from common.shopper import SURFACE, brand_theme

LOGO_MAX_BYTES: Final = 512 * 1024
LOGO_MAX_PIXELS: Final = 4096 * 4096
# Pillow's name for each raster format we accept, by file extension.
RASTER_FORMATS: Final[dict[str, str]] = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
SVG_NAMESPACE: Final = "{http://www.w3.org/2000/svg}"
# Elements that run script, embed other documents or pull in other resources.
SVG_FORBIDDEN_ELEMENTS: Final = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "use", "image", "feimage", "animate", "set"}
)


@dataclass(frozen=True)
class LookValues:
    """A look as typed in the console: not yet checked against anything but its own fields."""

    primary_colour: str
    accent_colour: str
    font: str
    logo_name: str = ""  # a stored file name, or "" for the brand's wordmark


@dataclass(frozen=True)
class ContrastAdvice:
    """One place where a chosen colour is not readable as is, and what shopper pages use instead."""

    colour: str
    used: str
    ratio: float
    message: str


def look_applied(brand: Brand, look: LookValues) -> Brand:
    """An unsaved copy of the brand wearing the look, for previews; never save it."""
    values = {field.attname: getattr(brand, field.attname) for field in Brand._meta.concrete_fields}
    copy = Brand(**values)
    copy.primary_colour = look.primary_colour
    copy.accent_colour = look.accent_colour
    copy.font = look.font
    copy.logo.name = look.logo_name
    return copy


def contrast_advice(look: LookValues) -> list[ContrastAdvice]:
    """What shopper pages change to keep text readable (WCAG 2.1 AA), in words a merchant reads."""
    theme = brand_theme(look_applied(Brand(), look))
    advice: list[ContrastAdvice] = []
    primary, accent = look.primary_colour.lower(), look.accent_colour.lower()
    if theme.on_primary != WHITE:
        advice.append(
            ContrastAdvice(
                colour=primary,
                used=theme.on_primary,
                ratio=contrast_ratio(WHITE, primary),
                message=_(
                    "White text on the brand colour is hard to read (contrast %(ratio).1f:1, 4.5:1 needed): "
                    "the header and buttons use dark text instead."
                )
                % {"ratio": contrast_ratio(WHITE, primary)},
            )
        )
    if theme.ink != primary:
        advice.append(
            ContrastAdvice(
                colour=primary,
                used=theme.ink,
                ratio=contrast_ratio(primary, SURFACE),
                message=_(
                    "The brand colour is too light for text on the page (contrast %(ratio).1f:1 with the "
                    "background, 4.5:1 needed): links and headings use the darker shade %(used)s."
                )
                % {"ratio": contrast_ratio(primary, SURFACE), "used": theme.ink},
            )
        )
    if theme.accent_ink != accent:
        advice.append(
            ContrastAdvice(
                colour=accent,
                used=theme.accent_ink,
                ratio=contrast_ratio(accent, SURFACE),
                message=_(
                    "The accent colour is too light on the page (contrast %(ratio).1f:1, 4.5:1 needed): "
                    "progress marks and buttons use the shade %(used)s."
                )
                % {"ratio": contrast_ratio(accent, SURFACE), "used": theme.accent_ink},
            )
        )
    return advice


def _fetches_elsewhere(css: str) -> bool:
    """Whether a style text or attribute loads something: @import, or url() of anything but an #id."""
    lowered = css.lower().replace(" ", "")
    return "@import" in lowered or any(
        not part.startswith(("#", "'#", '"#')) for part in lowered.split("url(")[1:]
    )


def _svg_problem(data: bytes) -> str | None:
    """Why an SVG may not be a logo, or None: no script, no event handlers, nothing fetched from elsewhere."""
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        return _("The SVG declares a document type or entities; save it as plain SVG.")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 - no DTD or entities reach here (refused above)
    except ElementTree.ParseError:
        return _("The SVG file could not be read.")
    if root.tag.lower() not in {f"{SVG_NAMESPACE}svg", "svg"}:
        return _("The file is not an SVG image.")
    for element in root.iter():
        name = str(element.tag).rsplit("}", 1)[-1].lower()
        if name in SVG_FORBIDDEN_ELEMENTS:
            return _("The SVG contains <%(element)s>, which a logo may not use.") % {"element": name}
        if _fetches_elsewhere(element.text or ""):
            return _("The SVG links to another resource; a logo must be self-contained.")
        for attribute, value in element.attrib.items():
            key = attribute.rsplit("}", 1)[-1].lower()
            if key.startswith("on"):
                return _("The SVG contains an event handler (%(attribute)s).") % {"attribute": key}
            if (key == "href" and not value.strip().startswith("#")) or _fetches_elsewhere(value):
                return _("The SVG links to another resource; a logo must be self-contained.")
    return None


def validate_logo(upload: UploadedFile) -> None:
    """Raise ValidationError unless the upload is a small PNG, JPEG, WebP or script-free SVG."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size is None or upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(kb)d KB.") % {"kb": LOGO_MAX_BYTES // 1024}, code="too_large"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if extension == "svg":
        problem = _svg_problem(data)
        if problem:
            raise ValidationError(problem, code="unsafe_svg")
        return
    expected = RASTER_FORMATS.get(extension)
    if expected is None:
        raise ValidationError(_("Upload a PNG, JPEG, WebP or SVG image."), code="wrong_type")
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a readable image."), code="not_an_image") from None
    if found != expected:
        raise ValidationError(
            _("The file is a %(found)s image named .%(extension)s; upload it with its own extension.")
            % {"found": found, "extension": extension},
            code="wrong_type",
        )
    if width * height > LOGO_MAX_PIXELS:
        raise ValidationError(_("The logo has too many pixels; 4096 × 4096 at most."), code="too_large")
