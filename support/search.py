"""Full-text search of the help centre: Postgres' own stemmer per language, accents ignored.

Both the stored vector and the query go through `unaccent`, so "sosire", "sosíre" and "ș"/"s"
spellings meet. Postgres ships stemmers for english, romanian and russian; polish has none, so it
uses the simple configuration (whole words, lower-cased). On SQLite (the embedded `make run`
default) search falls back to a case-insensitive match of each word.
"""

import unicodedata
from typing import Final

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, QuerySet, Value

from support.models import FaqArticle

SEARCH_CONFIG: Final[dict[str, str]] = {"en": "english", "ro": "romanian", "ru": "russian", "pl": "simple"}
MAX_QUERY_LENGTH: Final = 200


def config_for(locale: str) -> str:
    return SEARCH_CONFIG.get(locale, "simple")


class Unaccent(Func):
    function = "unaccent"


def folded(text: str) -> str:
    """Lower-case, accents removed ("Întârzie" → "intarzie"), for the fallback search."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def search_vector_refresh(*, article_id: int, locale: str, title: str, text: str) -> None:
    """Store an article's vector: the title weighs more than the answer."""
    if not uses_postgres():
        FaqArticle.objects.filter(id=article_id).update(search_text=folded(f"{title} {text}"))
        return
    config = Value(config_for(locale))
    FaqArticle.objects.filter(id=article_id).update(
        search_vector=SearchVector(Unaccent(F("title")), weight="A", config=config)
        + SearchVector(Unaccent(Value(text)), weight="B", config=config)
    )


def ranked_matches(queryset: QuerySet[FaqArticle], *, locale: str, query: str) -> QuerySet[FaqArticle]:
    """Articles matching every word of the query, best first."""
    words = query[:MAX_QUERY_LENGTH].replace("\x00", " ").split()
    if not words:
        return queryset.none()
    if not uses_postgres():
        for word in words:
            queryset = queryset.filter(search_text__contains=folded(word))
        return queryset.order_by("position", "id")
    search = SearchQuery(
        Unaccent(Value(" ".join(words))), config=Value(config_for(locale)), search_type="plain"
    )
    return (
        queryset.filter(search_vector=search)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .order_by("-rank", "position", "id")
    )
