"""A loyalty tier's name and perks once per shopper language, instead of typed JSON."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from common.locales import SHOPPER_LOCALES
from common.settings_forms import SettingsForm, translation_field
from loyalty.models import LoyaltyTier

PARTS: dict[str, tuple[Any, int]] = {"name": (_("Name"), 60), "perks": (_("Perks"), 300)}


class LoyaltyTierForm(SettingsForm):
    # One pair of inputs per shopper language (common.locales.SHOPPER_LOCALES), stored in `translations`.
    name_en = translation_field(code="en", part=PARTS["name"][0], max_length=60)
    perks_en = translation_field(code="en", part=PARTS["perks"][0], max_length=300)
    name_ro = translation_field(code="ro", part=PARTS["name"][0], max_length=60)
    perks_ro = translation_field(code="ro", part=PARTS["perks"][0], max_length=300)
    name_pl = translation_field(code="pl", part=PARTS["name"][0], max_length=60)
    perks_pl = translation_field(code="pl", part=PARTS["perks"][0], max_length=300)
    name_ru = translation_field(code="ru", part=PARTS["name"][0], max_length=60)
    perks_ru = translation_field(code="ru", part=PARTS["perks"][0], max_length=300)

    class Meta:
        model = LoyaltyTier
        exclude = ("translations",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for code in SHOPPER_LOCALES:
            found = stored.get(code)
            texts = found if isinstance(found, dict) else {}
            for part in PARTS:
                self.initial.setdefault(f"{part}_{code}", texts.get(part, ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        translations: dict[str, dict[str, str]] = {}
        for code in SHOPPER_LOCALES:
            texts = {part: (cleaned.get(f"{part}_{code}") or "").strip() for part in PARTS}
            if any(texts.values()):
                translations[code] = {part: text for part, text in texts.items() if text}
        self.instance.translations = translations
        return cleaned
