"""The strict JSON reader: refuses what would break later, accepts everything a provider sends."""

import pytest

from common.untrusted_json import MAX_DEPTH, MAX_INTEGER_DIGITS, UntrustedJsonError, loads, loads_object


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b'{"emoji":"\\ud83d\\ude00"}', {"emoji": "\U0001f600"}),  # a surrogate pair is one character
        (b'{"text":"\\\\u0000"}', {"text": "\\u0000"}),  # an escaped backslash, not a NUL
        (b'{"id":' + b"9" * MAX_INTEGER_DIGITS + b"}", {"id": int("9" * MAX_INTEGER_DIGITS)}),
        (b'{"price":"1.5","weight":1.5e3}', {"price": "1.5", "weight": 1500.0}),
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)),
        ('{"city":"Kraków"}'.encode(), {"city": "Kraków"}),
    ],
    ids=["surrogate pair", "escaped backslash", "longest integer", "numbers", "deepest nesting", "non-ASCII"],
)
def test_accepted(body, value):
    assert loads(body) == value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"id":' + b"9" * (MAX_INTEGER_DIGITS + 1) + b"}", "digits"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested deeper"),
        (b"[" * 100_000, "nested deeper"),
        (b'{"a":1e400}', "out of range"),
        (b'{"a":"x","a":"y"}', "repeats a key"),
        (b'{"a":"\\u0000"}', "NUL"),
        (b'{"\\udc00":1}', "surrogate"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),
        (b"\xc3(", "UTF-8"),
        (b"", "empty"),
    ],
)
def test_refused_with_a_short_reason(body, message):
    with pytest.raises(UntrustedJsonError, match=message) as refused:
        loads(body)
    assert len(str(refused.value)) <= 120


def test_loads_object_wants_an_object():
    with pytest.raises(UntrustedJsonError, match="JSON object"):
        loads_object(b"[1]")
