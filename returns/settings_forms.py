"""Return settings as forms: a reason's label once per language, a rule's category from the brand's
own products. The checks themselves live in the models' clean(), so every writer shares them."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget

from common.locales import SHOPPER_LOCALES
from common.settings_forms import SettingsForm, translation_field
from orders.selectors import categories_without_products, product_categories
from returns.models import ReturnReason, ReturnRule


class ReturnReasonForm(SettingsForm):
    # One input per shopper language (common.locales.SHOPPER_LOCALES), stored together in `translations`.
    label_en = translation_field(code="en", part=_("Label"), max_length=120)
    label_ro = translation_field(code="ro", part=_("Label"), max_length=120)
    label_pl = translation_field(code="pl", part=_("Label"), max_length=120)
    label_ru = translation_field(code="ru", part=_("Label"), max_length=120)

    class Meta:
        model = ReturnReason
        exclude = ("translations",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.translations if isinstance(self.instance.translations, dict) else {}
        for code in SHOPPER_LOCALES:
            self.initial.setdefault(f"label_{code}", stored.get(code, ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.instance.translations = {
            code: text.strip()
            for code in SHOPPER_LOCALES
            if (text := cleaned.get(f"label_{code}") or "").strip()
        }
        return cleaned


class ReturnRuleForm(SettingsForm):
    category = forms.ChoiceField(
        required=False,
        widget=UnfoldAdminSelectWidget(),
        label=_("Category"),
        help_text=_("A category of the brand's products; leave empty for the brand's default rule."),
    )

    class Meta:
        model = ReturnRule
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = [(name, name) for name in product_categories(brand_ids=self.choice_brand_ids())]
        current = [self.instance.category] if self.instance.category else []
        known = {name for name, _label in categories}
        extra = [(name, name) for name in current if name not in known]
        self.fields["category"].choices = [("", _("Default (every category)")), *categories, *extra]  # type: ignore[attr-defined]

    def clean_category(self) -> str:
        category: str = self.cleaned_data.get("category") or ""
        brand = self.cleaned_data.get("brand") or getattr(self.instance, "brand", None)
        # Only a newly chosen category is checked: a rule written before the catalogue arrived stays editable.
        unchanged = self.instance.pk and category == self.instance.category
        if (
            category
            and brand
            and not unchanged
            and categories_without_products(brand_id=brand.id, categories=[category])
        ):
            raise forms.ValidationError(
                _("No product of %(brand)s is in the category “%(name)s”."),
                params={"brand": brand, "name": category},
            )
        return category
