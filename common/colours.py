"""WCAG 2.1 contrast arithmetic, so any merchant colour yields readable shopper pages."""

import re
from typing import Final

HEX_COLOUR: Final = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE: Final = "#ffffff"
BLACK: Final = "#000000"
# WCAG 2.1 AA: 4.5:1 for text, 3:1 for large text and for graphical parts of controls.
TEXT_CONTRAST: Final = 4.5
GRAPHIC_CONTRAST: Final = 3.0


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(value))):02x}" for value in (red, green, blue))


def safe_colour(value: object, *, fallback: str) -> str:
    """The value when it is a #rrggbb colour (lower-cased), else the fallback: CSS is built from it."""
    if isinstance(value, str) and HEX_COLOUR.match(value):
        return value.lower()
    return fallback


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of a #rrggbb colour, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str, *, dark: str = "#111827") -> str:
    """White or a near-black for text on the background, whichever passes AA (pure black as a last resort).

    Either white or black always reaches 4.5:1 on any colour, so AA holds for every merchant colour.
    """
    for candidate in (WHITE, dark):
        if contrast_ratio(candidate, background) >= TEXT_CONTRAST:
            return candidate
    return max((WHITE, BLACK), key=lambda candidate: contrast_ratio(candidate, background))


def mix(colour: str, other: str, *, weight: float) -> str:
    """`weight` of `other` mixed into `colour` (0 keeps the colour, 1 gives the other)."""
    own, theirs = _channels(colour), _channels(other)
    red, green, blue = (a + (b - a) * weight for a, b in zip(own, theirs, strict=True))
    return _hex(red, green, blue)


def shade_for_contrast(colour: str, *, against: str, ratio: float) -> str:
    """The colour itself when it contrasts enough with `against`, else the nearest darker (or lighter) shade that does.

    Keeps the brand's hue for links, headings and progress markers on the page background.
    """
    if contrast_ratio(colour, against) >= ratio:
        return colour
    towards = BLACK if relative_luminance(against) > 0.18 else WHITE
    for step in range(1, 21):
        shade = mix(colour, towards, weight=step / 20)
        if contrast_ratio(shade, against) >= ratio:
            return shade
    return towards
