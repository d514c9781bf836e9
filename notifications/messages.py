"""Rendering merchant-editable templates in a sandbox: documented plain values only, escaped HTML."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from notifications.triggers import TRIGGERS, DefaultText

_text = ImmutableSandboxedEnvironment(autoescape=False, undefined=StrictUndefined)
_html = ImmutableSandboxedEnvironment(autoescape=select_autoescape(default=True), undefined=StrictUndefined)
PRIMITIVES = (str, int, float, bool, type(None))


class TemplateInvalid(ValueError):
    """A template that does not parse or reaches beyond its context; shown to the merchant."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str
    html_body: str


def plain_context(context: Mapping[str, object]) -> dict[str, object]:
    """Only plain values reach a template: no objects whose attributes could be walked."""
    return {key: value for key, value in context.items() if isinstance(value, PRIMITIVES)}


def _reaches_private(tree: nodes.Template) -> bool:
    """An attribute or key starting with "_" is how sandbox escapes begin (`''.__class__`)."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        key = (
            node.attr
            if isinstance(node, nodes.Getattr)
            else getattr(getattr(node, "arg", None), "value", None)
        )
        if isinstance(key, str) and key.startswith("_"):
            return True
    return False


@lru_cache(maxsize=1024)
def _parsed(source: str) -> nodes.Template:
    return _text.parse(source)


def used_names(source: str) -> set[str]:
    """The variables a template reads; empty when it does not parse."""
    try:
        return set(meta.find_undeclared_variables(_parsed(source)))
    except TemplateSyntaxError:
        return set()


def template_errors(*, source: str, allowed: Collection[str], field: str) -> list[str]:
    """Why a merchant's template cannot be used, as sentences: syntax, unknown names, unsafe constructs."""
    try:
        tree = _parsed(source)
    except TemplateSyntaxError as exc:
        return [
            _("%(field)s, line %(line)s: %(message)s")
            % {"field": field, "line": exc.lineno, "message": exc.message or str(exc)}
        ]
    errors = []
    unknown = sorted(set(meta.find_undeclared_variables(tree)) - set(allowed))
    if unknown:
        errors.append(
            _("%(field)s uses variables this message does not have: %(names)s.")
            % {"field": field, "names": ", ".join(unknown)}
        )
    if _reaches_private(tree):
        errors.append(
            _(
                "%(field)s reaches into hidden attributes (names starting with “_”); only plain variables are allowed."
            )
            % {"field": field}
        )
    return errors


def default_text(*, trigger: str, locale: str) -> DefaultText:
    texts = TRIGGERS[trigger].texts
    return texts.get(locale) or texts["en"]


@lru_cache(maxsize=1024)
def _compiled(source: str, *, html: bool) -> Template:
    """Compiling is most of a render's cost, and every brand sends the same few texts over and over."""
    return (_html if html else _text).from_string(source)


def render(
    *, subject: str, body: str, context: Mapping[str, object], with_html: bool = True
) -> RenderedMessage:
    values = plain_context(context)
    try:
        text = _compiled(body, html=False).render(values).strip()
        html = _compiled(body, html=True).render(values).strip() if with_html else ""
        rendered_subject = _compiled(subject, html=False).render(values).strip() if subject else ""
    except TemplateError as exc:
        raise TemplateInvalid(str(exc)) from exc
    return RenderedMessage(subject=" ".join(rendered_subject.split()), body=text, html_body=html)


def email_document(*, brand: object, subject: str, html_body: str, tracking_url: str) -> str:
    """The whole email as sent: the brand's frame around the rendered body."""
    return render_to_string(
        "notifications/email.html",
        {"brand": brand, "subject": subject, "html_body": html_body, "tracking_url": tracking_url},
    )
