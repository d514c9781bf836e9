"""SMS segment counting, row by row: the edges where GSM-7 and UCS-2 split."""

import pytest

from notifications.segments import sms_length, unicode_characters


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a", "GSM-7", 1, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        # Extension characters take two septets each.
        ("€" * 80, "GSM-7", 160, 1),
        ("€" * 81, "GSM-7", 162, 2),
        ("a" * 159 + "{", "GSM-7", 161, 2),
        ("a" * 158 + "[", "GSM-7", 160, 1),
        # An escape sequence never splits: 152 septets, then "€" (2) does not fit the 153rd.
        ("a" * 152 + "€" + "a" * 153, "GSM-7", 307, 3),
        ("a" * 151 + "€" + "a" * 153, "GSM-7", 306, 2),
        # GSM-7's own accented letters stay GSM-7.
        ("é" * 160, "GSM-7", 160, 1),
        # One character outside GSM-7 turns the whole message to UCS-2.
        ("a" * 69 + "—", "UCS-2", 70, 1),
        ("a" * 70 + "—", "UCS-2", 71, 2),
        ("a" * 133 + "ș", "UCS-2", 134, 2),
        ("a" * 134 + "ș", "UCS-2", 135, 3),
        ("Заказ" * 14, "UCS-2", 70, 1),
        ("“quoted”", "UCS-2", 8, 1),
        # Emoji outside the BMP are two UTF-16 units, and never split between segments.
        ("😀" * 35, "UCS-2", 70, 1),
        ("😀" * 36, "UCS-2", 72, 2),
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 134, 3),
    ],
)
def test_sms_length(text, encoding, units, segments):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_the_characters_that_force_ucs2_are_named_once_in_order():
    assert unicode_characters("Mulțumim — “ț” ok €") == ("ț", "—", "“", "”")
    assert sms_length("Hello {name} €5").unicode_characters == ()


@pytest.mark.parametrize(("text", "per_segment"), [("a", 160), ("a" * 161, 153), ("ș", 70), ("ș" * 71, 67)])
def test_room_per_segment_follows_encoding_and_split(text, per_segment):
    assert sms_length(text).per_segment == per_segment
