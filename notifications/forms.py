"""Notification settings as a form: one checkbox per message a brand may switch off."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.settings_forms import SettingsForm, checkboxes, with_current
from notifications.models import NotificationSettings
from notifications.triggers import trigger_switches


class NotificationSettingsForm(SettingsForm):
    disabled = forms.MultipleChoiceField(
        required=False,
        widget=checkboxes(),
        label=_("Messages not sent"),
        help_text=_("Tick a message to switch it off for this brand; the others go out as usual."),
    )

    class Meta:
        model = NotificationSettings
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(trigger_switches().items())
        self.fields["disabled"].choices = with_current(choices, self.instance.disabled)  # type: ignore[attr-defined]
