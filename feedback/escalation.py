"""When feedback needs a person: low scores, or a comment that reads negative.

The lexicon is data: per language, words and phrases that mean something went wrong. A trailing "*"
matches any ending ("damag*" finds damaged, damaging), so Romanian, Polish and Russian inflections need
one stem each. Every language is checked whatever the page language was: shoppers mix them.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Final

CSAT_FOLLOW_UP_AT_OR_BELOW: Final = 2
NPS_FOLLOW_UP_AT_OR_BELOW: Final = 6

NEGATIVE_LEXICON: Final[Mapping[str, tuple[str, ...]]] = {
    "en": (
        "broken",
        "damag*",
        "never arrived",
        "never came",
        "not arrived",
        "not received",
        "didn't arrive",
        "did not arrive",
        "missing",
        "rude",
        "late",
        "terrible",
        "awful",
        "horrible",
        "wrong item",
        "smashed",
        "crushed",
        "thrown",
        "lost",
        "refund",
    ),
    "ro": (
        "stricat*",
        "deteriorat*",
        "întârzi*",
        "intarzi*",
        "spart*",
        "nu a ajuns",
        "n-a ajuns",
        "nu am primit",
        "lipsă",
        "lipseșt*",
        "nepoliticos*",
        "groaznic*",
        "oribil*",
        "îngrozitor*",
        "pierdut*",
        "greșit*",
    ),
    "pl": (
        "uszkodz*",
        "zniszcz*",
        "spóźnion*",
        "opóźni*",
        "zepsut*",
        "rozbit*",
        "nie dotarł*",
        "nie doszł*",
        "nie otrzymał*",
        "brak*",
        "niegrzeczn*",
        "okropn*",
        "fataln*",
        "zgubion*",
    ),
    "ru": (
        "сломан*",
        "поврежд*",
        "разбит*",
        "опоздал*",
        "опоздани*",
        "задерж*",
        "не пришл*",
        "не пришел",
        "не доставл*",
        "не получил*",
        "груб*",
        "ужасн*",
        "отвратительн*",
        "потерял*",
        "не тот товар",
    ),
}


def _fold(text: str) -> str:
    """Lower case, ё as е, straight apostrophes, single spaces: how comments and the lexicon compare."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е").replace("’", "'")
    # Romanian comments come with either comma-below or cedilla letters.
    text = text.replace("ş", "ș").replace("ţ", "ț")
    return " ".join(text.split())


def _pattern(entry: str) -> str:
    prefix = entry.endswith("*")
    words = re.escape(_fold(entry.rstrip("*")))
    return rf"(?<!\w){words}" + ("" if prefix else r"(?!\w)")


@lru_cache(maxsize=1)
def _compiled() -> re.Pattern[str]:
    entries: Iterable[str] = (entry for words in NEGATIVE_LEXICON.values() for entry in words)
    return re.compile("|".join(_pattern(entry) for entry in entries))


def negative_phrase(comment: str) -> str | None:
    """The first negative word or phrase in a comment, or None when it reads fine."""
    found = _compiled().search(_fold(comment or ""))
    return found.group(0) if found else None


def csat_needs_follow_up(*, score: int, comment: str) -> bool:
    return score <= CSAT_FOLLOW_UP_AT_OR_BELOW or negative_phrase(comment) is not None


def nps_needs_follow_up(*, score: int, comment: str) -> bool:
    return score <= NPS_FOLLOW_UP_AT_OR_BELOW or negative_phrase(comment) is not None
