"""Console pages of customer care beyond the model admins: an answer in four languages side by side,

and a staff member's own email-digest settings. Thin: they parse forms and call services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.contrib.forms.widgets import WysiwygWidget
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget, UnfoldBooleanSwitchWidget

from common.locales import LOCALE_CHOICES
from common.numbers import is_plain_number
from support import digest, faq_languages
from support.faq_languages import MAX_TITLE_LENGTH, SIDE_BY_SIDE_LOCALES, ArticleTranslation
from support.models import FaqArticle, FaqCategory
from support.services import MAX_ARTICLE_LENGTH

LANGUAGE_NAMES = {
    "en": gettext_lazy("English"),
    "ro": gettext_lazy("Romanian"),
    "pl": gettext_lazy("Polish"),
    "ru": gettext_lazy("Russian"),
}


class AnswerEditor(WysiwygWidget):
    """unfold's Trix editor writing one <p> per paragraph, the HTML the help centre keeps."""

    class Media:
        js = ("support/trix-paragraphs.js",)


class TranslationForm(forms.Form):
    """One language's column: the question, its category in that language, the answer as rich text."""

    title = forms.CharField(
        label=gettext_lazy("Question"),
        required=False,
        max_length=MAX_TITLE_LENGTH,
        widget=UnfoldAdminTextInputWidget(),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        queryset=FaqCategory.objects.none(),
        required=False,
        widget=UnfoldAdminSelectWidget(),
    )
    body = forms.CharField(
        label=gettext_lazy("Answer"),
        required=False,
        max_length=MAX_ARTICLE_LENGTH,
        widget=AnswerEditor(),
    )
    published = forms.BooleanField(
        label=gettext_lazy("Published"), required=False, widget=UnfoldBooleanSwitchWidget()
    )

    def __init__(self, *args: Any, brand_id: int, locale: str, **kwargs: Any) -> None:
        kwargs["prefix"] = locale
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.language_name = LANGUAGE_NAMES[locale]
        # Only this brand's categories of this language: a Polish answer cannot be put in a Romanian one.
        self.fields["category"].queryset = FaqCategory.objects.filter(  # type: ignore[attr-defined]
            brand_id=brand_id, locale=locale
        ).order_by("position", "title")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        title, body = (cleaned.get("title") or "").strip(), (cleaned.get("body") or "").strip()
        if bool(title) != bool(body) and not self.errors:
            self.add_error("title" if not title else "body", _("Give the answer both a question and a text."))
        return cleaned

    def translation(self, *, publish_all: bool) -> ArticleTranslation:
        data = self.cleaned_data
        filled = bool((data.get("title") or "").strip())
        return ArticleTranslation(
            locale=self.locale,
            title=data.get("title") or "",
            body=data.get("body") or "",
            category_id=data["category"].id if data.get("category") else None,
            published=bool(data.get("published")) or (publish_all and filled),
        )


def _initial(article: FaqArticle | None, source: FaqArticle, locale: str) -> dict[str, Any]:
    if article is not None:
        return {
            "title": article.title,
            "category": article.category_id,
            "body": article.body,
            "published": article.published,
        }
    like = faq_languages.category_for(brand_id=source.brand_id, locale=locale, like=source.category)
    return {"category": like.id if like else None}


def article_languages_view(
    model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str
) -> HttpResponse:
    """Edit an answer in en/ro/pl/ru side by side; "Publish" publishes every language filled in."""
    if not (model_admin.has_change_permission(request) and model_admin.has_add_permission(request)):
        raise PermissionDenied
    source = (
        model_admin.get_queryset(request).select_related("category").filter(pk=object_id).first()
        if is_plain_number(object_id)
        else None
    )
    if source is None:
        raise Http404
    existing = faq_languages.translations_of(article=source)
    data = request.POST if request.method == "POST" else None
    columns = [
        TranslationForm(
            data,
            brand_id=source.brand_id,
            locale=locale,
            initial=_initial(existing.get(locale), source, locale),
        )
        for locale in SIDE_BY_SIDE_LOCALES
    ]
    if data is not None and all(column.is_valid() for column in columns):
        publish_all = "_publish" in request.POST
        try:
            saved = faq_languages.faq_translations_save(
                article_id=source.id,
                translations=[column.translation(publish_all=publish_all) for column in columns],
            )
        except ValidationError as error:
            by_locale = {column.locale: column for column in columns}
            for key, problems in error.message_dict.items():
                locale, _sep, field = key.partition("-")
                column = by_locale.get(locale)
                target = field if column is not None and field in column.fields else None
                for problem in problems:
                    (column or columns[0]).add_error(target, problem)
        else:
            published = sorted(locale for locale, article in saved.items() if article.published)
            if published:
                messages.success(
                    request, _("Published in %(languages)s.") % {"languages": ", ".join(published)}
                )
            else:
                messages.success(request, _("Saved as a draft."))
            return HttpResponseRedirect(request.path)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("%(question)s — in four languages") % {"question": source.title},
        "source": source,
        "columns": columns,
        "from_case": source.from_case_id,
    }
    return TemplateResponse(request, "admin/support/faqarticle/languages.html", context)


class DigestPreferenceForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Email me an hourly digest of new cases, shopper replies and returns"),
        required=False,
        widget=UnfoldBooleanSwitchWidget(),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the digest"),
        choices=[("", gettext_lazy("My brand's language")), *LOCALE_CHOICES],
        required=False,
        widget=UnfoldAdminSelectWidget(),
    )


def digest_settings_view(model_admin: ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's own digest switch; nobody edits another person's."""
    user_id = int(request.user.pk or 0)
    preference = digest.digest_preference(user_id=user_id)
    form = DigestPreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": preference.enabled, "language": preference.language},
    )
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        digest.digest_preference_set(
            user_id=user_id, enabled=form.cleaned_data["enabled"], language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your digest settings are saved."))
        return HttpResponseRedirect(reverse("admin:support_staffdigestpreference_changelist"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Email digest"),
        "form": form,
    }
    return TemplateResponse(request, "admin/support/digest_settings.html", context)
