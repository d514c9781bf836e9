"""SMS length in segments: GSM-7 (160, or 153 when split) unless a character forces UCS-2 (70/67).

The one place the product counts SMS segments: the template editor, its save check and the admin
all call `sms_length`.
"""

from dataclasses import dataclass
from typing import Final

GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Sent as an escape septet plus the character: two septets each.
GSM7_EXTENSION: Final = frozenset("^{}\\[~]|€\f")
GSM7: Final = "GSM-7"
UCS2: Final = "UCS-2"
# (one segment alone, each segment of a split message): a split message spends room on its header.
CAPACITY: Final[dict[str, tuple[int, int]]] = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets, or UTF-16 code units
    segments: int
    # The characters outside GSM-7 that force UCS-2, in order of first appearance.
    unicode_characters: tuple[str, ...] = ()

    @property
    def per_segment(self) -> int:
        single, multi = CAPACITY[self.encoding]
        return single if self.segments <= 1 else multi


def unicode_characters(text: str) -> tuple[str, ...]:
    """Every distinct character of the text that GSM-7 cannot carry."""
    return tuple(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION))


def _units(ch: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1  # outside the BMP: a surrogate pair


def sms_length(text: str) -> SmsLength:
    """How Twilio and the networks will split this text.

    A split never cuts an escape sequence or a surrogate pair, so a segment may end a unit short.
    """
    forcing = unicode_characters(text)
    encoding = UCS2 if forcing else GSM7
    costs = [_units(ch, encoding) for ch in text]
    units = sum(costs)
    single, multi = CAPACITY[encoding]
    if units == 0:
        return SmsLength(encoding, 0, 0, forcing)
    if units <= single:
        return SmsLength(encoding, units, 1, forcing)
    segments, room = 1, multi
    for cost in costs:
        if cost > room:
            segments, room = segments + 1, multi
        room -= cost
    return SmsLength(encoding, units, segments, forcing)
