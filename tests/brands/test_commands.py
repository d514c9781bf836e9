"""Deployment from a script: create_api_key, set_webhook_secret and demo."""

import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from brands.models import ApiKey, Brand, IntegrationSecret, Membership, Role
from orders.models import Customer, Order, OrderLine, Product


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_api_key_prints_a_key_that_authenticates(client, brand):
    printed = run("create_api_key", brand.slug, "--name", "shop sync").strip()
    assert printed.startswith("pp_")
    assert "\n" not in printed
    key = ApiKey.objects.get()
    assert key.brand == brand
    assert key.name == "shop sync"
    assert printed not in key.key_hash  # only the hash is stored
    response = client.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {printed}")
    assert response.status_code == 200


def test_create_api_key_twice_gives_two_different_keys(brand):
    assert run("create_api_key", brand.slug) != run("create_api_key", brand.slug)
    assert ApiKey.objects.count() == 2


def test_create_api_key_for_unknown_brand_fails_and_writes_nothing(db):
    with pytest.raises(CommandError, match="No brand"):
        run("create_api_key", "nope")
    assert ApiKey.objects.count() == 0


def test_set_webhook_secret_stores_and_replaces(brand):
    assert "shopify" in run("set_webhook_secret", brand.slug, "shopify", "shpss_first")
    run("set_webhook_secret", brand.slug, "shopify", "  shpss_second  ")
    stored = IntegrationSecret.objects.get(brand=brand, provider="shopify")
    assert stored.secret == "shpss_second"
    assert IntegrationSecret.objects.count() == 1


def test_set_webhook_secret_normalizes_easypost_secrets_nfkd(brand):
    composed = "s\u00e9cr\u00e8t\ufb01"  # é, è precomposed and the "fi" ligature
    run("set_webhook_secret", brand.slug, "easypost", composed)
    stored = IntegrationSecret.objects.get(brand=brand, provider="easypost").secret
    assert stored == unicodedata.normalize("NFKD", composed)
    assert stored != composed
    assert stored.endswith("fi")


def test_set_webhook_secret_keeps_other_providers_verbatim(brand):
    composed = "s\u00e9cret"
    run("set_webhook_secret", brand.slug, "aftership", composed)
    assert IntegrationSecret.objects.get(provider="aftership").secret == composed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "shopify", "secret"), "No brand"),
        (("{brand}", "fedex", "secret"), "invalid choice"),
        (("{brand}", "shopify", ""), "empty"),
        (("{brand}", "shopify", "   "), "empty"),
        (("{brand}", "easypost", "x" * 256), "longer than 255"),
    ],
)
def test_set_webhook_secret_refuses_bad_input_and_writes_nothing(brand, args, message):
    filled = [a.format(brand=brand.slug) for a in args]
    with pytest.raises(CommandError, match=message):
        run("set_webhook_secret", *filled)
    assert IntegrationSecret.objects.count() == 0


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Brand, Membership, get_user_model(), Customer, Product, Order, OrderLine)
    }


@pytest.mark.django_db
def test_demo_is_idempotent_and_covers_languages_and_roles():
    first = run("demo")
    after_first = counts()
    run("demo")
    assert counts() == after_first
    assert "/admin/" in first
    assert "/api/docs/" in first

    brands = list(Brand.objects.all())
    assert len(brands) >= 2
    assert len({b.default_locale for b in brands}) >= 2
    for brand in brands:
        roles = set(Membership.objects.filter(brand=brand).values_list("role", flat=True))
        assert roles == set(Role.values), brand
        assert Order.objects.filter(brand=brand).exists()
    staff = Membership.objects.filter(role=Role.OWNER).select_related("user").first()
    assert staff.user.is_staff
    assert staff.user.check_password("postpurchase")
    assert staff.user.username in first
