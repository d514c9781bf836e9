"""Rendering merchant-editable templates in a sandbox: documented plain values only, escaped HTML."""

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError, select_autoescape
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


def validate_template(*, subject: str, body: str, sample: Mapping[str, object]) -> None:
    """Raise TemplateInvalid with a readable reason when the template cannot render the sample."""
    try:
        _text.from_string(subject).render(plain_context(sample))
        _text.from_string(body).render(plain_context(sample))
    except TemplateError as exc:
        raise TemplateInvalid(str(exc)) from exc


def default_text(*, trigger: str, locale: str) -> DefaultText:
    texts = TRIGGERS[trigger].texts
    return texts.get(locale) or texts["en"]


def render(*, subject: str, body: str, context: Mapping[str, object]) -> RenderedMessage:
    values = plain_context(context)
    try:
        text = _text.from_string(body).render(values).strip()
        html = _html.from_string(body).render(values).strip()
        rendered_subject = _text.from_string(subject).render(values).strip() if subject else ""
    except TemplateError as exc:
        raise TemplateInvalid(str(exc)) from exc
    return RenderedMessage(subject=" ".join(rendered_subject.split()), body=text, html_body=html)
