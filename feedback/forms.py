"""The shopper's feedback forms: a delivery rating, an NPS answer, a problem report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import MAX_COMMENT_LENGTH
from feedback.topics import ProblemTopic

COMMENT_ERRORS = {"max_length": _("Please keep it under %(limit_value)d characters.")}


class RatingForm(forms.Form):
    shipment = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        error_messages={
            "required": _("Choose a face to rate the delivery."),
            "invalid_choice": _("Choose a score from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea,
        error_messages=COMMENT_ERRORS,
    )


class NpsForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend?"),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a number from 0 to 10."),
            "invalid_choice": _("Choose a number from 0 to 10."),
        },
    )
    comment = forms.CharField(
        label=_("What is the main reason for your score? (optional)"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea,
        error_messages=COMMENT_ERRORS,
    )


class ProblemForm(forms.Form):
    shipment = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    topic = forms.ChoiceField(
        label=_("What went wrong?"),
        choices=ProblemTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what went wrong."),
            "invalid_choice": _("Choose what went wrong."),
        },
    )
    description = forms.CharField(
        label=_("Tell us more (optional)"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea,
        error_messages=COMMENT_ERRORS,
    )
    # Left empty by people; bots fill every field they find.
    website = forms.CharField(required=False, max_length=200)
