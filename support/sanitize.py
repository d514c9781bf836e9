"""What HTML an FAQ answer may hold: text formatting, lists, headings, links and images; nothing that runs."""

from html import unescape
from typing import Final

import nh3

ALLOWED_TAGS: Final = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "a", "blockquote", "img"}
)
ALLOWED_ATTRIBUTES: Final = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


def clean_html(html: str) -> str:
    """Drop scripts, styles, event handlers and javascript: URLs; links get rel=noopener."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(html: str) -> str:
    """The words of an answer, for search and snippets: block ends become spaces ("sosire.</p><p>Dacă"
    must not read as one token), entities become characters."""
    return " ".join(unescape(nh3.clean(html.replace("<", " <"), tags=set())).split())
