"""One help-centre answer in every language, edited side by side.

Articles answering the same question share a `translation_key`; each language stays its own article
in a category of that language, so the help centre of each language keeps working as before.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from support.models import FaqArticle, FaqCategory
from support.services import MAX_ARTICLE_LENGTH, faq_article_save

SIDE_BY_SIDE_LOCALES: Final = ("en", "ro", "pl", "ru")
MAX_TITLE_LENGTH: Final = 200


@dataclass(frozen=True)
class ArticleTranslation:
    locale: str
    title: str
    body: str
    category_id: int | None = None
    published: bool = False


def translations_of(*, article: FaqArticle) -> dict[str, FaqArticle]:
    """The article and its versions in other languages, by locale (one query)."""
    if not article.translation_key:
        return {article.locale: article}
    siblings = FaqArticle.objects.filter(brand_id=article.brand_id, translation_key=article.translation_key)
    return {sibling.locale: sibling for sibling in siblings.select_related("category")}


def category_for(*, brand_id: int, locale: str, like: FaqCategory | None) -> FaqCategory | None:
    """The category of `locale` matching `like` (same slug), else that language's first one."""
    categories = FaqCategory.objects.filter(brand_id=brand_id, locale=locale).order_by("position", "id")
    if like is not None:
        same = categories.filter(slug=like.slug).first()
        if same is not None:
            return same
    return categories.first()


def _category(*, source: FaqArticle, locale: str, category_id: int | None) -> FaqCategory:
    if category_id is not None:
        category = FaqCategory.objects.filter(id=category_id, brand_id=source.brand_id).first()
        if category is None:
            raise ValidationError({f"{locale}-category": _("Choose a category of this brand.")})
        return category
    found = category_for(brand_id=source.brand_id, locale=locale, like=source.category)
    if found is not None:
        return found
    # A language with no category yet gets the source's, translated later by the brand.
    return FaqCategory.objects.create(
        brand_id=source.brand_id,
        locale=locale,
        title=source.category.title,
        slug=source.category.slug,
        position=source.category.position,
    )


def _check(entry: ArticleTranslation) -> tuple[str, str]:
    if entry.locale not in SIDE_BY_SIDE_LOCALES:
        raise ValidationError({"locale": f"unknown language {entry.locale!r}"})
    title = " ".join(entry.title.replace("\x00", "").split())
    body = entry.body.replace("\x00", "").strip()
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationError(
            {
                f"{entry.locale}-title": _("Please keep it under %(limit)s characters.")
                % {"limit": MAX_TITLE_LENGTH}
            }
        )
    if len(body) > MAX_ARTICLE_LENGTH:
        raise ValidationError(
            {
                f"{entry.locale}-body": _("Please keep it under %(limit)s characters.")
                % {"limit": MAX_ARTICLE_LENGTH}
            }
        )
    if bool(title) != bool(body):
        field = "title" if not title else "body"
        raise ValidationError({f"{entry.locale}-{field}": _("Give the answer both a question and a text.")})
    return title, body


@transaction.atomic
def faq_translations_save(
    *, article_id: int, translations: Sequence[ArticleTranslation]
) -> dict[str, FaqArticle]:
    """Save each filled language as its own article of the group, HTML sanitized; all or nothing.

    A language left empty is skipped (an existing version is kept as it was, never deleted here).
    """
    source = FaqArticle.objects.select_for_update().select_related("category").get(id=article_id)
    if not source.translation_key:
        source.translation_key = uuid.uuid4().hex
        FaqArticle.objects.filter(id=source.id).update(translation_key=source.translation_key)
    existing = translations_of(article=source)
    saved: dict[str, FaqArticle] = {}
    for entry in translations:
        title, body = _check(entry)
        if not title:
            continue
        category = _category(source=source, locale=entry.locale, category_id=entry.category_id)
        article = existing.get(entry.locale) or FaqArticle(
            brand_id=source.brand_id,
            locale=entry.locale,
            translation_key=source.translation_key,
            position=source.position,
            statuses=list(source.statuses),
            from_case_id=source.from_case_id,
        )
        article.category = category
        article.title = title
        article.body = body
        article.published = entry.published
        try:
            saved[entry.locale] = faq_article_save(article=article)
        except ValidationError as error:
            raise ValidationError(
                {f"{entry.locale}-{field}": messages for field, messages in error.message_dict.items()}
            ) from error
    return saved
