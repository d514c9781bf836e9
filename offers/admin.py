"""Offers in the admin: settings (store hosts), recommendation rules, content blocks with their figures."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from brands.admin_forms import BrandDataFormAdmin
from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin
from offers.forms import ContentBlockForm, OffersSettingsForm, RecommendationRuleForm
from offers.models import ContentBlock, OffersSettings, RecommendationRule


@admin.register(OffersSettings)
class OffersSettingsAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = OffersSettingsForm
    list_display = ("brand", "store_hosts", "thank_you_percent", "birthday_percent", "anniversary_percent")


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(BrandDataFormAdmin, BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = RecommendationRuleForm
    list_display = ("brand", "category", "suggest_categories")
    list_filter = ("brand",)


@admin.register(ContentBlock)
class ContentBlockAdmin(BrandDataFormAdmin, BrandScopedHistoryAdmin, BrandScopedAdmin):
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
