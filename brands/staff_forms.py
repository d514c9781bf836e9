"""Forms of the staff pages: the team, joining by invitation, one's own account, the admin login."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.forms import AuthenticationForm as UnfoldAuthenticationForm
from unfold.widgets import (
    UnfoldAdminEmailInputWidget,
    UnfoldAdminPasswordWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from brands import two_factor
from brands.models import Brand, Role

# The address becomes the login name of a new account, which Django caps at 150 characters.
MAX_EMAIL_LENGTH = 150


class InviteForm(forms.Form):
    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(), widget=UnfoldAdminSelectWidget, label=_("Brand")
    )
    email = forms.EmailField(
        max_length=MAX_EMAIL_LENGTH, widget=UnfoldAdminEmailInputWidget, label=_("Email")
    )
    role = forms.ChoiceField(choices=Role.choices, widget=UnfoldAdminSelectWidget, label=_("Role"))

    def __init__(self, *args: Any, brands: list[Brand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["brand"]
        field.queryset = Brand.objects.filter(id__in=[brand.id for brand in brands])
        if len(brands) == 1:
            field.initial = brands[0].id


class RoleChangeForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Role.choices, widget=UnfoldAdminSelectWidget, label=_("Role"))


class JoinForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), strip=False, max_length=128, widget=UnfoldAdminPasswordWidget
    )
    password2 = forms.CharField(
        label=_("The same password again"), strip=False, max_length=128, widget=UnfoldAdminPasswordWidget
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            raise ValidationError(_("The two passwords differ."))
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        choices=[("", _("The browser's language")), *settings.LANGUAGES],
        required=False,
        widget=UnfoldAdminSelectWidget,
        label=_("Language of the console"),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=UnfoldAdminTextInputWidget(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StaffLoginForm(UnfoldAuthenticationForm):
    """The admin login, asking also for the two-factor code of staff who turned it on."""

    otp_token = forms.CharField(
        label=_("Two-factor code (only if you turned it on)"),
        required=False,
        max_length=10,
        widget=UnfoldAdminTextInputWidget(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        code = self.cleaned_data.get("otp_token") or ""
        if (
            user is not None
            and two_factor.has_two_factor(user=user)
            and not two_factor.verify_code(user=user, code=code)
        ):
            # Counted as a failed login, so guessing codes meets the same lockout as passwords.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            self.user_cache = None
            raise ValidationError(
                _("Enter the current code from your authenticator app."), code="otp_required"
            )
        return cleaned


def password_help() -> str:
    return password_validation.password_validators_help_text_html()
