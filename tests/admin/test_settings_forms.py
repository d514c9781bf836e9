"""Settings are edited as forms, not JSON: each form offers only what fits the brand and refuses the rest
with a reason, writing nothing."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile

from loyalty.models import LoyaltyTier
from notifications.models import NotificationSettings
from offers.models import ContentBlock, OffersSettings, RecommendationRule
from returns.models import ReturnReason, ReturnRule
from support import services as support_services
from support.models import FaqArticle, FaqCategory
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(client: Any, url: str) -> dict[str, Any]:
    """What the change page would post back untouched: each field's current value."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or isinstance(value, FieldFile):
            continue
        data[name] = "on" if value is True else value
    return data


def errors_of(response: Any) -> str:
    assert response.status_code == 200, "a refused form is shown again, not saved and redirected"
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


@pytest.fixture
def romanian_brand(brand: Any) -> Any:
    brand.enabled_locales = ["ro", "en"]
    brand.default_locale = "ro"
    brand.save()
    return brand


@pytest.fixture
def owner(client: Any, staff_of: Any, romanian_brand: Any) -> Any:
    user = staff_of(romanian_brand, "owner")
    client.force_login(user)
    return user


# ---- notification settings: switched-off messages as checkboxes ---------------------------------


def test_messages_are_switched_off_with_checkboxes_and_an_unknown_trigger_is_refused(client, owner, brand):
    row, _ = NotificationSettings.objects.get_or_create(brand=brand)
    url = f"/admin/notifications/notificationsettings/{row.id}/change/"
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="disabled" value="shipped:sms"' in page
    assert 'name="quiet_hours_start"' in page
    assert 'max="23"' in page

    data = form_data(client, url)
    refused = client.post(url, {**data, "disabled": ["shipped:pigeon"]})
    assert "shipped:pigeon" in errors_of(refused)
    assert client.post(url, {**data, "quiet_hours_start": "24"}).status_code == 200
    row.refresh_from_db()
    assert row.disabled == []
    assert row.quiet_hours_start == 21

    assert client.post(url, {**data, "disabled": ["shipped:sms", "delivered:email"]}).status_code == 302
    row.refresh_from_db()
    assert sorted(row.disabled) == ["delivered:email", "shipped:sms"]


def test_the_model_refuses_an_unknown_trigger_for_every_writer(brand):
    row = NotificationSettings(brand=brand, disabled=["teleported:sms"])
    with pytest.raises(ValidationError, match="teleported:sms"):
        row.full_clean()


# ---- brand languages -----------------------------------------------------------------------------


def test_languages_are_checkboxes_and_the_default_must_be_one_of_them(client, owner, brand):
    url = f"/admin/brands/brand/{brand.id}/change/"
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="enabled_locales" value="pl"' in page
    data = form_data(client, url)
    assert "default language" in errors_of(client.post(url, {**data, "enabled_locales": ["en", "pl"]}))
    assert "xx" in errors_of(client.post(url, {**data, "enabled_locales": ["ro", "xx"]}))
    brand.refresh_from_db()
    assert brand.enabled_locales == ["ro", "en"]
    assert client.post(url, {**data, "enabled_locales": ["ro", "en", "pl"]}).status_code == 302
    brand.refresh_from_db()
    assert brand.enabled_locales == ["ro", "en", "pl"]


# ---- return reasons: one label per language ------------------------------------------------------


def test_a_reason_label_in_a_language_the_brand_does_not_serve_is_refused(client, owner, brand):
    reason = ReturnReason.objects.create(brand=brand, code="tight-fit", label="Tight fit")
    url = f"/admin/returns/returnreason/{reason.id}/change/"
    assert 'name="label_pl"' in client.get(url).content.decode()
    data = form_data(client, url)

    refused = client.post(url, {**data, "label_ro": "Prea mic", "label_pl": "Za mały"})
    assert "pl" in errors_of(refused)
    reason.refresh_from_db()
    assert reason.translations == {}

    assert client.post(url, {**data, "label_ro": "  Prea mic "}).status_code == 302
    reason.refresh_from_db()
    assert reason.translations == {"ro": "Prea mic"}
    assert form_data(client, url)["label_ro"] == "Prea mic"


def test_an_oversized_label_is_refused(client, owner, brand):
    reason = ReturnReason.objects.create(brand=brand, code="loose-fit", label="Loose fit")
    url = f"/admin/returns/returnreason/{reason.id}/change/"
    assert "at most 120" in errors_of(client.post(url, {**form_data(client, url), "label_ro": "x" * 121}))
    reason.refresh_from_db()
    assert reason.translations == {}


# ---- return rules: categories from the brand's products ------------------------------------------


def test_a_rule_s_category_is_chosen_from_the_brand_s_products(client, owner, brand, other_brand):
    factories.ProductFactory(brand=brand, category="mugs")
    factories.ProductFactory(brand=other_brand, category="tents")
    rule = _default_rule(brand)
    url = f"/admin/returns/returnrule/{rule.id}/change/"
    page = client.get(url).content.decode()
    assert '<option value="mugs"' in page
    assert "tents" not in page  # another brand's catalogue never shows

    data = form_data(client, url)
    assert client.post(url, {**data, "category": "tents"}).status_code == 200
    rule.refresh_from_db()
    assert rule.category == ""
    assert client.post(url, {**data, "category": "mugs"}).status_code == 302
    rule.refresh_from_db()
    assert rule.category == "mugs"


def test_a_role_without_the_permission_cannot_change_a_rule(client, staff_of, brand):
    rule = _default_rule(brand)
    client.force_login(staff_of(brand, "support_agent"))
    response = client.post(f"/admin/returns/returnrule/{rule.id}/change/", {"window_days": "90"})
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.window_days == 30


def test_another_brand_s_staff_cannot_reach_a_rule(client, staff_of, brand, other_brand):
    rule = _default_rule(brand)
    client.force_login(staff_of(other_brand, "owner"))
    url = f"/admin/returns/returnrule/{rule.id}/change/"
    assert client.get(url).status_code == 302  # unfold/Django: "does not exist" → back to the list
    client.post(url, {"brand": other_brand.id, "window_days": "90"})
    rule.refresh_from_db()
    assert (rule.brand_id, rule.window_days) == (brand.id, 30)


def _default_rule(brand: Any) -> ReturnRule:
    rule, _ = ReturnRule.objects.update_or_create(
        brand=brand, category="", product=None, defaults={"window_days": 30}
    )
    return rule


# ---- offers: targeting from the brand's own data -------------------------------------------------


def _offers_admin(user: Any) -> Any:
    from tests.admin.conftest import grant

    return grant(
        user,
        "offers.view_recommendationrule",
        "offers.change_recommendationrule",
        "offers.view_contentblock",
        "offers.change_contentblock",
        "offers.view_offerssettings",
        "offers.change_offerssettings",
        "loyalty.view_loyaltytier",
        "loyalty.change_loyaltytier",
    )


def test_a_recommendation_for_a_category_with_no_product_is_refused(client, owner, brand, other_brand):
    client.force_login(_offers_admin(owner))
    factories.ProductFactory(brand=brand, category="mugs")
    factories.ProductFactory(brand=brand, category="saucers")
    factories.ProductFactory(brand=other_brand, category="tents")
    rule = RecommendationRule.objects.create(brand=brand, category="mugs", suggest_categories=["saucers"])
    url = f"/admin/offers/recommendationrule/{rule.id}/change/"
    page = client.get(url).content.decode()
    assert 'type="checkbox" name="suggest_categories" value="saucers"' in page
    assert "tents" not in page

    data = form_data(client, url)
    assert client.post(url, {**data, "suggest_categories": ["tents"]}).status_code == 200
    assert client.post(url, {**data, "suggest_categories": []}).status_code == 200
    rule.refresh_from_db()
    assert rule.suggest_categories == ["saucers"]


def test_the_catalogue_check_names_what_matches_nothing_for_every_writer(brand, other_brand):
    from offers import content

    factories.ProductFactory(brand=brand, category="mugs")
    factories.ProductFactory(brand=other_brand, category="kayaks")
    LoyaltyTier.objects.create(brand=other_brand, name="Platinum", min_points=5000)
    errors = content.catalogue_refusals(brand_id=brand.id, categories=["mugs", "kayaks"], tiers=["Platinum"])
    assert set(errors) == {"categories", "tiers"}
    assert "kayaks" in str(errors["categories"])
    assert "mugs" not in str(errors["categories"])
    assert content.catalogue_refusals(brand_id=brand.id, categories=["mugs"]) == {}
    with pytest.raises(ValidationError, match="at least one"):
        RecommendationRule(brand=brand, category="mugs", suggest_categories=[]).full_clean()


def test_a_content_block_targets_only_known_statuses_and_the_brand_s_tiers(client, owner, brand, other_brand):
    client.force_login(_offers_admin(owner))
    factories.ProductFactory(brand=brand, category="mugs")
    LoyaltyTier.objects.create(brand=brand, name="Gold", min_points=1000)
    LoyaltyTier.objects.create(brand=other_brand, name="Platinum", min_points=5000)
    block = ContentBlock.objects.create(brand=brand, kind="guide", title="Care guide", locale="ro")
    url = f"/admin/offers/contentblock/{block.id}/change/"
    page = client.get(url).content.decode()
    assert 'name="statuses" value="delivered"' in page
    assert 'name="tiers" value="Gold"' in page
    assert "Platinum" not in page

    data = form_data(client, url)
    assert client.post(url, {**data, "tiers": ["Platinum"]}).status_code == 200
    assert client.post(url, {**data, "statuses": ["teleported"]}).status_code == 200
    assert "before the first" in errors_of(
        client.post(url, {**data, "starts_on": "2026-12-10", "ends_on": "2026-12-01"})
    )
    block.refresh_from_db()
    assert (block.tiers, block.statuses, block.ends_on) == ([], [], None)

    saved = client.post(url, {**data, "tiers": ["Gold"], "statuses": ["delivered"], "categories": ["mugs"]})
    assert saved.status_code == 302
    block.refresh_from_db()
    assert (block.tiers, block.statuses, block.categories) == (["Gold"], ["delivered"], ["mugs"])


def test_store_hosts_are_typed_one_a_line_and_a_url_is_refused(client, owner, brand):
    client.force_login(_offers_admin(owner))
    row, _ = OffersSettings.objects.update_or_create(
        brand=brand, defaults={"store_hosts": ["shop.example.com"]}
    )
    url = f"/admin/offers/offerssettings/{row.id}/change/"
    data = form_data(client, url)
    assert data["store_hosts"] == "shop.example.com"
    assert "https://evil.example/x" in errors_of(
        client.post(url, {**data, "store_hosts": "shop.example.com\nhttps://evil.example/x"})
    )
    row.refresh_from_db()
    assert row.store_hosts == ["shop.example.com"]
    assert (
        client.post(url, {**data, "store_hosts": "Shop.Example.com\n\nwww.example.com\n"}).status_code == 302
    )
    row.refresh_from_db()
    assert row.store_hosts == ["shop.example.com", "www.example.com"]


# ---- loyalty tiers: name and perks per language --------------------------------------------------


def test_a_tier_is_translated_field_by_field_only_in_the_brand_s_languages(client, owner, brand):
    client.force_login(_offers_admin(owner))
    tier = LoyaltyTier.objects.create(brand=brand, name="Gold", min_points=1000, perks="Free shipping")
    url = f"/admin/loyalty/loyaltytier/{tier.id}/change/"
    data = form_data(client, url)
    page = client.get(url).content.decode()
    assert 'name="name_ro"' in page
    assert 'name="perks_ro"' in page
    assert 'name="name_ru"' in page
    assert "ru" in errors_of(client.post(url, {**data, "name_ru": "Золото"}))
    tier.refresh_from_db()
    assert tier.translations == {}
    assert client.post(url, {**data, "name_ro": "Aur", "perks_ro": "Livrare gratuită"}).status_code == 302
    tier.refresh_from_db()
    assert tier.translations == {"ro": {"name": "Aur", "perks": "Livrare gratuită"}}


# ---- FAQ: an answer sits in a category of its own language ---------------------------------------


def test_a_polish_answer_in_a_romanian_category_is_refused(brand, other_brand):
    romanian = FaqCategory.objects.create(brand=brand, locale="ro", title="Livrare", slug="livrare")
    foreign = FaqCategory.objects.create(brand=other_brand, locale="pl", title="Dostawa", slug="dostawa")
    polish = FaqArticle(
        brand=brand, category=romanian, locale="pl", title="Gdzie jest paczka?", body="<p>…</p>"
    )
    with pytest.raises(ValidationError, match=r"Romanian|Română"):
        polish.full_clean()
    with pytest.raises(ValidationError):
        support_services.faq_article_save(article=polish)
    with pytest.raises(ValidationError, match="same brand"):
        FaqArticle(brand=brand, category=foreign, locale="pl", title="x", slug="x", body="x").full_clean()
    assert not FaqArticle.objects.filter(title="Gdzie jest paczka?").exists()
    FaqArticle(
        brand=brand, category=romanian, locale="ro", title="Unde e coletul?", slug="c", body="x"
    ).full_clean()
