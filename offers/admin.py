"""Offers in the admin: settings (store hosts), recommendation rules, content blocks with their figures."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from brands.admin_scope import BrandScopedAdmin
from offers import content
from offers.models import ContentBlock, OffersSettings, RecommendationRule


@admin.register(OffersSettings)
class OffersSettingsAdmin(BrandScopedAdmin):
    list_display = ("brand", "store_hosts", "thank_you_percent", "birthday_percent", "anniversary_percent")


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(BrandScopedAdmin):
    list_display = ("brand", "category", "suggest_categories")
    list_filter = ("brand",)


class ContentBlockForm(forms.ModelForm):  # type: ignore[type-arg]
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.brand_id or data.get("brand"):
            for name, value in data.items():
                setattr(self.instance, name, value)
            content.content_block_clean(block=self.instance)
            data["body"] = self.instance.body
        return data


@admin.register(ContentBlock)
class ContentBlockAdmin(BrandScopedAdmin):
    form = ContentBlockForm
    list_display = (
        "title",
        "brand",
        "kind",
        "locale",
        "priority",
        "active",
        "starts_on",
        "ends_on",
        "impressions",
        "clicks",
    )
    list_filter = ("kind", "locale", "active", "brand")
    search_fields = ("title",)
    readonly_fields = ("impressions", "clicks")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields
