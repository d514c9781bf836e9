"""What the console's settings forms share: number inputs bounded like their fields, choices from the
brands the staff member may see, and one text field per shopper language for translated names."""

from collections.abc import Collection
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget, UnfoldAdminTextInputWidget

from common.locales import LOCALE_CHOICES

LANGUAGE_NAMES: dict[str, str] = dict(LOCALE_CHOICES)


def checkboxes() -> UnfoldAdminCheckboxSelectMultipleWidget:
    return UnfoldAdminCheckboxSelectMultipleWidget()


def with_current(choices: list[tuple[str, str]], current: Any) -> list[tuple[str, str]]:
    """The choices plus any value already stored that they lack, so a stale value shows and is refused
    by the model's own check with its reason rather than silently dropped."""
    known = {value for value, _label in choices}
    extra = [str(value) for value in (current or []) if str(value) not in known]
    return choices + [(value, value) for value in extra]


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Base of the settings forms: the admin sets `brand_ids` (None: every brand) before use."""

    brand_ids: ClassVar[Collection[int] | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bound_number_inputs()

    def choice_brand_ids(self) -> Collection[int] | None:
        """The brands whose data the choices come from: the row's own brand once it has one."""
        brand_id = getattr(self.instance, "brand_id", None)
        return [brand_id] if brand_id else self.brand_ids

    def _update_errors(self, errors: ValidationError) -> None:
        # A model's clean() names the stored field (e.g. "translations") that this form shows as several
        # inputs: show such a refusal above the form rather than fail on a field the form lacks.
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list[Any]] = {}
            for field, messages in errors.error_dict.items():
                key = field if field in self.fields else NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)  # type: ignore[misc]

    def _bound_number_inputs(self) -> None:
        # The model's validators only speak after a save is tried: give the inputs the same bounds.
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField | forms.DecimalField):
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except Exception:  # noqa: S112 -- a form-only field has no model bounds
                continue
            for validator in model_field.validators:
                if isinstance(validator, MaxValueValidator):
                    field.widget.attrs["max"] = validator.limit_value
                elif isinstance(validator, MinValueValidator):
                    field.widget.attrs["min"] = validator.limit_value


def translation_field(*, code: str, part: Any, max_length: int) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        # Formatted when shown, so the label follows the staff member's language, not the one at import.
        label=lazy(
            lambda: gettext("%(part)s in %(language)s") % {"part": part, "language": LANGUAGE_NAMES[code]},
            str,
        )(),
        widget=UnfoldAdminTextInputWidget(),
    )


def settings_form(model: type[Any]) -> type[SettingsForm]:
    """A plain settings form for a model whose fields need only their bounds shown."""
    return forms.modelform_factory(model, form=SettingsForm, fields="__all__")  # type: ignore[return-value]
