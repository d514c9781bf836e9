"""One spelling of a tracking number for comparisons, whoever typed it.

A store's `1z 999-aa1` and a carrier's `1Z999AA1` are the same parcel: spaces, tabs, dashes, dots and
slashes are dropped and letters upper-cased. The database computes the same key in a generated
column (see `tracking_key_expression`), so rows written by any path (API, Shopify, admin, a raw
save) are found by any lookup; the form the carrier or store sent stays for display.
"""

from typing import Final

from django.db.models import F, Func, Value
from django.db.models.functions import Replace, Upper

# Characters people and systems put inside tracking numbers for readability.
SEPARATORS: Final[tuple[str, ...]] = (" ", "\t", "-", ".", "/")
_DROP: Final[dict[int, None]] = {ord(char): None for char in SEPARATORS}


def tracking_number_key(raw: str) -> str:
    """The comparison form of a tracking number: separators dropped, ASCII letters upper-cased."""
    # ASCII-only upper-casing, as Postgres's upper() and SQLite's do not agree beyond it.
    return "".join(char.upper() if char.isascii() else char for char in raw.strip().translate(_DROP))


def tracking_key_expression(field: str = "tracking_number") -> Func:
    """The database's twin of tracking_number_key, for a GeneratedField."""
    expression: Func | F = F(field)
    for char in SEPARATORS:
        expression = Replace(expression, Value(char), Value(""))
    return Upper(expression)
