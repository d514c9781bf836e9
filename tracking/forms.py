"""The shopper's order lookup form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LookupForm(forms.Form):
    number = forms.CharField(
        label=_("Order number"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    contact = forms.CharField(
        label=_("Email or postal code"),
        max_length=254,
        strip=True,
        help_text=_("The email address you ordered with, or the delivery postal code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
