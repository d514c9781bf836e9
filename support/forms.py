"""Shopper forms of the help centre: search, Ask us (with a honeypot), a reply on a case."""

from django import forms
from django.utils.translation import gettext_lazy as _

from support.services import MAX_MESSAGE_LENGTH

MAX_SEARCH_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the help centre"), max_length=MAX_SEARCH_LENGTH, required=False)


class AskForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Email"), max_length=254, help_text=_("We answer to this address."))
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("Your question"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    # Left empty by people; bots fill every field. Hidden from sight and from assistive technology.
    website = forms.CharField(required=False, max_length=200)
    tracking = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def clean_message(self) -> str:
        return str(self.cleaned_data["message"]).replace("\x00", "").strip()


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=(("yes", "yes"), ("no", "no")), coerce=lambda value: value == "yes"
    )
