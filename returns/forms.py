"""The portal's forms: look-up, items and reason, then resolution, comment and photos."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnReason
from returns.reasons import reason_label
from returns.selectors import LineOption


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=64, strip=True)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The email address you ordered with."),
    )


class ItemsForm(forms.Form):
    """Which lines, how many of each, and why. Only eligible lines of this order are valid choices."""

    def __init__(
        self,
        *args: Any,
        options: Sequence[LineOption],
        reasons: Sequence[ReturnReason],
        locale: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options = [option for option in options if option.eligible]
        self.fields["line"] = forms.TypedMultipleChoiceField(
            label=_("Items"),
            choices=[(str(option.line.id), option.line.title) for option in self.options],
            coerce=int,
            error_messages={
                "required": _("Choose at least one item to return."),
                "invalid_choice": _("This item is not part of your order."),
            },
        )
        for option in self.options:
            self.fields[f"qty_{option.line.id}"] = forms.TypedChoiceField(
                label=_("Quantity"),
                choices=[(str(n), str(n)) for n in range(1, option.remaining + 1)],
                coerce=int,
                required=False,
                initial="1",
                error_messages={"invalid_choice": _("You cannot return more than you bought.")},
            )
        self.reasons = list(reasons)
        self.fields["reason"] = forms.TypedChoiceField(
            label=_("Why are you returning these items?"),
            choices=[(str(reason.id), reason_label(reason, locale)) for reason in self.reasons],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose a reason."),
                "invalid_choice": _("Choose a reason from the list."),
            },
        )

    def chosen(self) -> list[tuple[int, int]]:
        """(order line id, quantity) of every ticked line."""
        return [
            (line_id, self.cleaned_data.get(f"qty_{line_id}") or 1) for line_id in self.cleaned_data["line"]
        ]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ResolutionForm(forms.Form):
    def __init__(
        self,
        *args: Any,
        resolutions: Sequence[tuple[str, str]],
        exchange_options: Sequence[LineOption],
        photo_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resolution"] = forms.ChoiceField(
            label=_("What would you like?"),
            choices=list(resolutions),
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose what you would like instead."),
                "invalid_choice": _("This option is not available for the items you chose."),
            },
        )
        self.exchange_options = list(exchange_options)
        for option in self.exchange_options:
            self.fields[f"exchange_{option.line.id}"] = forms.TypedChoiceField(
                label=_("Exchange %(title)s for") % {"title": option.line.title},
                choices=[("", _("The same item again"))] + [(str(v.id), v.title) for v in option.variants],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": _("This size or colour is not available.")},
            )
        self.fields["comment"] = forms.CharField(
            label=_("Anything we should know? (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea,
        )
        self.fields["photos"] = MultipleImageField(
            label=_("Photos of the problem") if photo_required else _("Photos (optional)"),
            required=False,
            help_text=_("JPEG, PNG or WebP, up to 5 photos."),
        )
        self.photo_required = photo_required
