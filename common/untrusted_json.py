"""JSON from outside, parsed strictly: a body either becomes plain values Postgres can store, or is
refused with a short reason.

The standard parser accepts things that break later, far from the request: `1e999` becomes
infinity (not storable as JSON), a 10,000-digit integer raises a bare ValueError, deep nesting
raises RecursionError, `\\u0000` and lone surrogates decode into strings Postgres refuses, and a
repeated key silently keeps the last value. Each is refused here instead.
"""

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

# Deeper than any provider payload we know (Shopify orders nest about 8 levels).
MAX_DEPTH: Final[int] = 64
# Shopify's 64-bit ids have 19 digits; nothing we read needs more.
MAX_INTEGER_DIGITS: Final[int] = 40
MAX_FLOAT_CHARS: Final[int] = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


class UntrustedJsonError(ValueError):
    """The body is not JSON we accept; the message is short and safe to show the caller."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise UntrustedJsonError(f"A number has more than {MAX_INTEGER_DIGITS} digits.")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_FLOAT_CHARS:
        raise UntrustedJsonError("A number is too long.")
    value = float(text)
    if not math.isfinite(value):
        raise UntrustedJsonError("A number is out of range.")
    return value


def _constant(name: str) -> Any:
    raise UntrustedJsonError(f"{name} is not valid JSON.")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise UntrustedJsonError("An object repeats a key.")
    return obj


def _check_strings(value: Any) -> None:
    """No NUL and no unpaired surrogate in any key or string, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise UntrustedJsonError("A string contains a NUL character.")
            if _SURROGATE.search(item):
                raise UntrustedJsonError("A string contains an unpaired surrogate.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check_depth(value: Any) -> None:
    """Level by level over containers only: scalars, the bulk of a payload, are never visited."""
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_DEPTH:
            raise UntrustedJsonError(f"JSON nested deeper than {MAX_DEPTH} levels.")
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]


def loads(body: bytes) -> Any:
    """The JSON value of a UTF-8 body; raises UntrustedJsonError (never anything else) when refused."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntrustedJsonError("Body is not valid UTF-8.") from exc
    if not text.strip():
        raise UntrustedJsonError("Body is empty.")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_integer,
            parse_float=_float,
            parse_constant=_constant,
        )
    except UntrustedJsonError:
        raise
    except RecursionError as exc:
        raise UntrustedJsonError(f"JSON nested deeper than {MAX_DEPTH} levels.") from exc
    except json.JSONDecodeError as exc:
        raise UntrustedJsonError(f"Body is not valid JSON ({exc.msg} at character {exc.pos}).") from exc
    except ValueError as exc:  # e.g. the interpreter's own integer-digit limit
        raise UntrustedJsonError("Body is not valid JSON.") from exc
    _check_depth(value)
    # Strict UTF-8 text holds neither; only these escapes can produce them, so most bodies skip the walk.
    if _SUSPECT_ESCAPE.search(text):
        _check_strings(value)
    return value


def loads_object(body: bytes) -> Mapping[str, Any]:
    """Like loads, for bodies that must be a JSON object."""
    value = loads(body)
    if not isinstance(value, dict):
        raise UntrustedJsonError("Body must be a JSON object.")
    return value
