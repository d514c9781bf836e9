"""Offers settings as forms: hosts one a line, categories and tiers from the brand's own data, parcel
statuses as checkboxes. The checks live in the models' clean() and offers.content, shared with the API."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from common.settings_forms import SettingsForm, checkboxes, with_current
from loyalty.selectors import tier_names
from offers import content
from offers.models import ContentBlock, OffersSettings, RecommendationRule
from orders.selectors import product_categories
from tracking.statuses import ShipmentStatus


class HostsField(forms.CharField):
    """A list of host names typed one a line."""

    widget = UnfoldAdminTextareaWidget(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


class OffersSettingsForm(SettingsForm):
    store_hosts = HostsField(
        required=False,
        label=_("Store hosts"),
        help_text=_("One host a line, e.g. shop.example.com: links in offers may lead only there."),
    )

    class Meta:
        model = OffersSettings
        fields = "__all__"


def _category_choices(form: SettingsForm) -> list[tuple[str, str]]:
    return [(name, name) for name in product_categories(brand_ids=form.choice_brand_ids())]


class RecommendationRuleForm(SettingsForm):
    category = forms.ChoiceField(
        widget=UnfoldAdminSelectWidget(),
        label=_("Bought category"),
        help_text=_("From the brand's products."),
    )
    suggest_categories = forms.MultipleChoiceField(
        widget=checkboxes(), label=_("Suggest products of"), help_text=_("From the brand's products.")
    )

    class Meta:
        model = RecommendationRule
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _category_choices(self)
        current = [self.instance.category] if self.instance.category else []
        self.fields["category"].choices = [("", "—"), *with_current(choices, current)]  # type: ignore[attr-defined]
        self.fields["suggest_categories"].choices = with_current(choices, self.instance.suggest_categories)  # type: ignore[attr-defined]
        self.stored = {self.instance.category, *(self.instance.suggest_categories or [])}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        brand = data.get("brand") or getattr(self.instance, "brand", None)
        if brand is None:
            return data
        for name, chosen in (
            ("category", [data.get("category") or ""]),
            ("suggest_categories", data.get("suggest_categories") or []),
        ):
            added = [value for value in chosen if value and value not in self.stored]
            if errors := content.catalogue_refusals(brand_id=brand.id, categories=added):
                self.add_error(name, errors["categories"])
        return data


class ContentBlockForm(SettingsForm):
    categories = forms.MultipleChoiceField(
        required=False,
        widget=checkboxes(),
        label=_("Bought categories"),
        help_text=_("Any if none is ticked."),
    )
    statuses = forms.MultipleChoiceField(
        required=False, widget=checkboxes(), label=_("Parcel statuses"), help_text=_("Any if none is ticked.")
    )
    tiers = forms.MultipleChoiceField(
        required=False, widget=checkboxes(), label=_("Loyalty tiers"), help_text=_("Any if none is ticked.")
    )

    class Meta:
        model = ContentBlock
        fields = (
            "brand",
            "kind",
            "title",
            "body",
            "image_url",
            "link_url",
            "link_label",
            "discount_code",
            "locale",
            "categories",
            "statuses",
            "tiers",
            "starts_on",
            "ends_on",
            "priority",
            "active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        block = self.instance
        tiers = [(name, name) for name in tier_names(brand_ids=self.choice_brand_ids())]
        self.fields["categories"].choices = with_current(_category_choices(self), block.categories)  # type: ignore[attr-defined]
        self.fields["statuses"].choices = with_current(list(ShipmentStatus.choices), block.statuses)  # type: ignore[arg-type,attr-defined]
        self.fields["tiers"].choices = with_current(tiers, block.tiers)  # type: ignore[attr-defined]
        self.stored = {"categories": set(block.categories or []), "tiers": set(block.tiers or [])}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.brand_id or data.get("brand"):
            for name, value in data.items():
                setattr(self.instance, name, value)
            content.content_block_clean(block=self.instance)
            data["body"] = self.instance.body
            added = {name: set(data.get(name) or []) - self.stored[name] for name in self.stored}
            errors = content.catalogue_refusals(brand_id=self.instance.brand_id, **added)
            for name, message in errors.items():
                self.add_error(name, message)
        return data
