"""The brand's settings as a form: languages as checkboxes, the time zone from a list."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget

from brands.models import Brand
from common.locales import LOCALE_CHOICES, TIMEZONES
from common.settings_forms import SettingsForm, checkboxes


class BrandForm(SettingsForm):
    enabled_locales = forms.MultipleChoiceField(
        choices=LOCALE_CHOICES,
        widget=checkboxes(),
        label=_("Shopper languages"),
        help_text=_("Languages shoppers may switch to; the default language must be one of them."),
    )
    timezone = forms.ChoiceField(
        choices=[(zone, zone) for zone in sorted(TIMEZONES)],
        widget=UnfoldAdminSelectWidget(),
        label=_("Time zone"),
        help_text=_("Where the brand works: the console and shopper pages show times in this zone."),
    )

    class Meta:
        model = Brand
        fields = "__all__"
