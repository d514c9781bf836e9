"""The Connections page: URLs to paste, secrets and keys shown once, test events, and who may do what."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from brands import selectors, services
from brands.models import ApiKey, IntegrationSecret, Role
from notifications.models import Notification
from orders.models import Order
from tracking.models import InboundWebhook, Shipment, WebhookResult
from tracking.sample_events import SAMPLE_NUMBER_PREFIX
from tracking.selectors import SAMPLE_USER_AGENT, webhook_call_stats

pytestmark = pytest.mark.django_db

PROVIDERS = ("shopify", "easypost", "aftership", "shippo")
SITE = "https://app.postpurchase.example"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


@pytest.fixture
def owner(brand: Any, staff_of: Any) -> Any:
    return staff_of(brand, Role.OWNER)


@pytest.fixture
def owner_client(owner: Any) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def page_url(brand: Any, rest: str = "") -> str:
    return f"/admin/connections/{brand.id}/{rest}"


def secrets_snapshot() -> list[tuple[Any, ...]]:
    return list(
        IntegrationSecret.objects.order_by("id").values_list(
            "brand_id", "provider", "secret", "previous_secret", "previous_valid_until"
        )
    )


def keys_snapshot() -> list[tuple[Any, ...]]:
    return list(ApiKey.objects.order_by("id").values_list("id", "brand_id", "name", "revoked_at"))


# --- the page -------------------------------------------------------------------------------------


def test_the_page_lists_every_absolute_webhook_url_and_its_instructions(
    owner_client, brand, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = owner_client.get(page_url(brand))
    assert response.status_code == 200
    text = response.content.decode()
    for provider in PROVIDERS:
        assert f'value="{SITE}/webhooks/{provider}/{brand.slug}/"' in text
    for event in (
        "orders/create",
        "fulfillments/update",
        "tracker.updated",
        "track_updated",
        "tracking_update",
    ):
        assert event in text
    assert "Settings → Notifications → Webhooks" in text
    for provider in PROVIDERS:  # every secret can be pasted; ours can also be generated
        assert f'action="/admin/connections/{brand.id}/secrets/{provider}/save/"' in text
    for provider in ("easypost", "shippo"):
        assert f'action="/admin/connections/{brand.id}/secrets/{provider}/generate/"' in text
    assert "no-store" in response["Cache-Control"]


def test_query_count_does_not_grow_with_calls_keys_and_endpoints(
    owner_client, brand, django_assert_max_num_queries
):
    from returns.models import WebhookEndpoint

    owner_client.get(page_url(brand))  # warm the session and permission caches
    for index in range(30):
        services.api_key_create(brand=brand, name=f"key {index}")
        WebhookEndpoint.objects.create(brand=brand, url=f"https://shop.example/hooks/{index}")
    InboundWebhook.objects.bulk_create(
        InboundWebhook(brand=brand, provider=provider, result=result, error="Invalid signature.")
        for provider in PROVIDERS
        for result in (WebhookResult.PROCESSED, WebhookResult.REJECTED)
        for _ in range(10)
    )
    with django_assert_max_num_queries(20):
        response = owner_client.get(page_url(brand))
    assert response.status_code == 200
    assert response.content.decode().count("https://shop.example/hooks/") == 30


def test_a_custom_domain_is_named_but_webhooks_stay_on_the_product_host(owner_client, brand):
    brand.custom_domain = "track.casaverde.example"
    brand.save()
    text = owner_client.get(page_url(brand)).content.decode()
    assert "track.casaverde.example serves only the shopper pages" in text
    assert "https://track.casaverde.example/webhooks" not in text


def test_saved_secrets_are_never_on_the_page(owner_client, brand):
    services.webhook_secret_set(brand=brand, provider="shopify", secret="shpss_shown_never")
    services.webhook_secret_set(brand=brand, provider="shopify", secret="shpss_rotated_never")
    text = owner_client.get(page_url(brand)).content.decode()
    assert "shpss_shown_never" not in text
    assert "shpss_rotated_never" not in text
    assert "Previous secret accepted until" in text


def test_the_sidebar_and_the_brand_page_lead_to_the_page_for_owners_only(owner_client, brand, staff_of):
    assert "/admin/connections/" in owner_client.get("/admin/").content.decode()
    change_page = owner_client.get(f"/admin/brands/brand/{brand.id}/change/").content.decode()
    assert f"/admin/brands/brand/{brand.id}/connections/" in change_page
    assert owner_client.get(f"/admin/brands/brand/{brand.id}/connections/")["Location"] == page_url(brand)
    assert owner_client.get("/admin/connections/")["Location"] == page_url(brand)

    agent = Client()
    agent.force_login(staff_of(brand, Role.SUPPORT_AGENT))
    assert "/admin/connections/" not in agent.get("/admin/").content.decode()


def test_a_superuser_of_several_brands_chooses_one(brand, other_brand, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/connections/")
    assert response.status_code == 200
    assert page_url(brand) in response.content.decode()
    assert page_url(other_brand) in response.content.decode()


# --- secrets ---------------------------------------------------------------------------------------


def test_generating_a_secret_shows_it_once_and_it_verifies(owner_client, brand):
    response = owner_client.post(page_url(brand, "secrets/easypost/generate/"))
    assert response.status_code == 200
    stored = IntegrationSecret.objects.get(brand=brand, provider="easypost").secret
    assert f'value="{stored}"' in response.content.decode()
    assert "it is not shown again" in response.content.decode()
    assert stored not in owner_client.get(page_url(brand)).content.decode()


def test_shippo_gets_its_url_with_the_secret_as_token(owner_client, brand):
    response = owner_client.post(page_url(brand, "secrets/shippo/generate/"))
    stored = IntegrationSecret.objects.get(brand=brand, provider="shippo").secret
    assert f"{SITE}/webhooks/shippo/{brand.slug}/?token={stored}" in response.content.decode()


def test_pasting_a_provider_secret_rotates_with_a_grace(owner_client, brand):
    services.webhook_secret_set(brand=brand, provider="shopify", secret="first")
    moment = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = owner_client.post(page_url(brand, "secrets/shopify/save/"), {"secret": "  second  "})
    assert response.status_code == 302
    row = IntegrationSecret.objects.get(brand=brand, provider="shopify")
    assert (row.secret, row.previous_secret) == ("second", "first")
    assert row.previous_valid_until == moment + timedelta(hours=24)
    assert (
        "Secret saved. It will not be shown again." in owner_client.get(response["Location"]).content.decode()
    )


def test_the_secrets_admin_shows_neither_the_secret_nor_the_previous_one(owner_client, brand):
    services.webhook_secret_set(brand=brand, provider="shopify", secret="shpss_current_value")
    row = services.webhook_secret_set(brand=brand, provider="shopify", secret="shpss_next_value")
    response = owner_client.get(f"/admin/brands/integrationsecret/{row.id}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "shpss_current_value" not in text
    assert "shpss_next_value" not in text


def test_ending_the_grace_from_the_page(owner_client, brand):
    services.webhook_secret_set(brand=brand, provider="shopify", secret="first")
    services.webhook_secret_set(brand=brand, provider="shopify", secret="second")
    assert owner_client.post(page_url(brand, "secrets/shopify/end-grace/")).status_code == 302
    assert selectors.webhook_secrets_accepted(brand=brand, provider="shopify") == ["second"]


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("s" * 256, "at most 255 characters"),
        ("tab\tinside", "control characters"),
    ],
)
def test_bad_pasted_secrets_are_refused_with_a_message(owner_client, brand, secret, message):
    services.webhook_secret_set(brand=brand, provider="aftership", secret="kept")
    before = secrets_snapshot()
    response = owner_client.post(page_url(brand, "secrets/aftership/save/"), {"secret": secret})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert secrets_snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "secrets/fedex/generate/",
        "secrets/SHOPIFY/save/",
        "secrets/%00/generate/",
        "secrets/shopify%2F..%2Feasypost/generate/",
        "test/nope/",
        "secrets/easypost/rotate/",
    ],
)
def test_garbage_providers_are_not_found_and_write_nothing(owner_client, brand, path):
    response = owner_client.post(page_url(brand, path), {"secret": "anything"})
    assert response.status_code == 404
    assert secrets_snapshot() == []
    assert InboundWebhook.objects.count() == 0


# --- API keys --------------------------------------------------------------------------------------


def test_an_api_key_is_shown_once_and_authenticates(owner_client, brand, client):
    response = owner_client.post(page_url(brand, "keys/"), {"name": "Warehouse system"})
    assert response.status_code == 200
    key = ApiKey.objects.get(brand=brand)
    assert key.name == "Warehouse system"
    text = response.content.decode()
    raw = text.split('id="issued-value"')[0].rsplit('value="', 1)[1].split('"', 1)[0]
    assert raw.startswith(f"pp_{key.prefix}_")
    assert client.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    later = owner_client.get(page_url(brand)).content.decode()
    assert raw not in later
    assert "Warehouse system" in later


def test_live_keys_are_listed_before_revoked_ones(brand):
    from console.connections import api_keys_for_brand

    first = services.api_key_create(brand=brand, name="first")
    services.api_key_create(brand=brand, name="second")
    services.api_key_revoke(api_key_id=first.api_key_id)
    services.api_key_create(brand=brand, name="third")
    assert [key.name for key in api_keys_for_brand(brand_id=brand.id)] == ["third", "second", "first"]


def test_an_oversized_key_name_is_refused(owner_client, brand):
    response = owner_client.post(page_url(brand, "keys/"), {"name": "n" * 101})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_revoking_a_key_stops_it(owner_client, brand, client):
    issued = services.api_key_create(brand=brand, name="old")
    response = owner_client.post(page_url(brand, f"keys/{issued.api_key_id}/revoke/"))
    assert response.status_code == 302
    assert ApiKey.objects.get().revoked_at is not None
    assert client.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}").status_code in (
        401,
        403,
    )


def test_revoking_another_brands_key_is_not_found_and_leaves_it_live(owner_client, brand, other_brand):
    theirs = services.api_key_create(brand=other_brand, name="theirs")
    before = keys_snapshot()
    assert owner_client.post(page_url(brand, f"keys/{theirs.api_key_id}/revoke/")).status_code == 404
    assert owner_client.post(page_url(other_brand, f"keys/{theirs.api_key_id}/revoke/")).status_code == 404
    assert owner_client.post(page_url(brand, "keys/999999/revoke/")).status_code == 404
    assert keys_snapshot() == before
    assert selectors.api_key_authenticate(raw_key=theirs.raw_key) is not None


# --- who may ----------------------------------------------------------------------------------------

CHANGES = (
    "secrets/easypost/generate/",
    "secrets/shopify/save/",
    "secrets/shopify/end-grace/",
    "test/easypost/",
    "keys/",
    "keys/{key}/revoke/",
)


def assert_nothing_written(before: tuple[Any, ...]) -> None:
    assert (secrets_snapshot(), keys_snapshot(), InboundWebhook.objects.count()) == before


@pytest.fixture
def existing(brand: Any, other_brand: Any) -> dict[str, Any]:
    services.webhook_secret_set(brand=brand, provider="shopify", secret="first")
    services.webhook_secret_set(brand=brand, provider="shopify", secret="second")
    services.webhook_secret_set(brand=other_brand, provider="shopify", secret="theirs")
    return {
        "key": services.api_key_create(brand=brand, name="ours").api_key_id,
        "their_key": services.api_key_create(brand=other_brand, name="theirs").api_key_id,
    }


@pytest.mark.parametrize("role", [Role.RETURNS_MANAGER, Role.SUPPORT_AGENT])
def test_other_roles_of_the_brand_are_refused_and_write_nothing(brand, staff_of, existing, role):
    client = Client()
    client.force_login(staff_of(brand, role))
    before = (secrets_snapshot(), keys_snapshot(), InboundWebhook.objects.count())
    assert client.get(page_url(brand)).status_code == 403
    assert client.get("/admin/connections/").status_code == 403
    for change in CHANGES:
        response = client.post(
            page_url(brand, change.format(key=existing["key"])), {"secret": "x", "name": "x"}
        )
        assert response.status_code == 403, change
    assert_nothing_written(before)


def test_an_owner_elsewhere_who_is_an_agent_here_is_refused(brand, other_brand, staff_of, existing):
    user = staff_of(other_brand, Role.OWNER)
    services.membership_grant(user_id=user.id, brand=brand, role=Role.SUPPORT_AGENT)
    client = Client()
    client.force_login(user)
    before = (secrets_snapshot(), keys_snapshot(), InboundWebhook.objects.count())
    assert client.get(page_url(brand)).status_code == 403
    assert client.post(page_url(brand, "secrets/easypost/generate/")).status_code == 403
    assert client.get(page_url(other_brand)).status_code == 200
    assert_nothing_written(before)


def test_another_brand_is_not_found_and_nothing_is_written(owner_client, other_brand, existing):
    before = (secrets_snapshot(), keys_snapshot(), InboundWebhook.objects.count())
    assert owner_client.get(page_url(other_brand)).status_code == 404
    for change in CHANGES:
        url = page_url(other_brand, change.format(key=existing["their_key"]))
        assert owner_client.post(url, {"secret": "x", "name": "x"}).status_code == 404, change
    assert owner_client.get("/admin/connections/99999/").status_code == 404
    assert_nothing_written(before)


def test_changes_are_post_only_and_need_the_csrf_token(owner, brand, existing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    before = (secrets_snapshot(), keys_snapshot(), InboundWebhook.objects.count())
    for change in CHANGES:
        url = page_url(brand, change.format(key=existing["key"]))
        assert client.get(url).status_code == 405, change
        assert client.post(url, {"secret": "x", "name": "x"}).status_code == 403, change
    assert_nothing_written(before)


def test_anonymous_visitors_are_sent_to_log_in(client, brand):
    response = client.post(page_url(brand, "secrets/easypost/generate/"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert secrets_snapshot() == []


# --- test events --------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_test_event_runs_through_the_real_endpoint_without_touching_shoppers(
    owner_client, brand, order, provider, django_capture_on_commit_callbacks
):
    services.webhook_secret_generate(brand=brand, provider=provider)
    shipments, orders = Shipment.objects.count(), Order.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(page_url(brand, f"test/{provider}/"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "test event accepted (HTTP 202)" in text
    call = InboundWebhook.objects.get(brand=brand, provider=provider)
    assert call.signature_valid is True
    assert call.result == WebhookResult.UNMATCHED
    assert call.headers["user-agent"] == SAMPLE_USER_AGENT
    assert call.tracking_number or call.order_external_id
    if provider != "shopify":
        assert call.tracking_number.startswith(SAMPLE_NUMBER_PREFIX)
    assert f"/admin/tracking/inboundwebhook/{call.id}/change/" in text
    assert (Shipment.objects.count(), Order.objects.count()) == (shipments, orders)
    assert Notification.objects.count() == 0


def test_a_test_event_during_a_rotation_is_signed_with_the_new_secret(owner_client, brand):
    services.webhook_secret_set(brand=brand, provider="aftership", secret="old")
    services.webhook_secret_set(brand=brand, provider="aftership", secret="new")
    services.webhook_secret_end_grace(brand=brand, provider="aftership")
    response = owner_client.post(page_url(brand, "test/aftership/"))
    assert "test event accepted" in response.content.decode()


def test_a_test_event_without_a_secret_is_refused_and_says_why(owner_client, brand):
    response = owner_client.post(page_url(brand, "test/shippo/"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "test event refused (HTTP 401)" in text
    assert "No webhook secret is configured for this provider." in text
    assert InboundWebhook.objects.get().result == WebhookResult.REJECTED


# --- figures -----------------------------------------------------------------------------------------


def test_figures_count_the_last_day_and_week_and_group_refusals_by_reason(owner_client, brand, other_brand):
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def calls(ago: timedelta, result: str, error: str = "", count: int = 1, owner: Any = brand) -> None:
        with time_machine.travel(now - ago, tick=False):
            for _ in range(count):
                InboundWebhook.objects.create(brand=owner, provider="easypost", result=result, error=error)

    calls(timedelta(hours=1), WebhookResult.PROCESSED, count=3)
    calls(timedelta(hours=2), WebhookResult.UNMATCHED, "No shipment with tracking number X yet")
    calls(timedelta(days=2), WebhookResult.PROCESSED, count=2)
    calls(timedelta(days=8), WebhookResult.PROCESSED, count=5)  # outside the week
    calls(timedelta(hours=3), WebhookResult.REJECTED, "Invalid signature.", count=2)
    calls(timedelta(days=3), WebhookResult.REJECTED, "Invalid signature.", count=4)
    calls(timedelta(days=4), WebhookResult.INVALID, "Content-Type must be application/json, not text/plain.")
    calls(timedelta(minutes=5), WebhookResult.REJECTED, "Invalid signature.", count=9, owner=other_brand)
    with time_machine.travel(now - timedelta(minutes=1), tick=False):  # the console's own test events
        for result in (WebhookResult.UNMATCHED, WebhookResult.REJECTED):
            InboundWebhook.objects.create(
                brand=brand, provider="easypost", result=result, headers={"user-agent": SAMPLE_USER_AGENT}
            )

    stats = webhook_call_stats(brand_id=brand.id, providers=PROVIDERS, now=now)["easypost"]
    assert (stats.accepted_day, stats.accepted_week) == (4, 6)
    assert (stats.refused_day, stats.refused_week) == (2, 7)
    assert [(r.result, r.reason, r.last_day, r.last_week) for r in stats.reasons] == [
        ("rejected", "Invalid signature.", 2, 6),
        ("invalid", "Content-Type must be application/json, not text/plain.", 0, 1),
    ]
    assert stats.last_received_at == now - timedelta(hours=1)
    assert stats.last_result == WebhookResult.PROCESSED
    assert stats.test_events_week == 2

    with time_machine.travel(now, tick=False):
        text = owner_client.get(page_url(brand)).content.decode()
    assert "Invalid signature." in text
    assert "2 test events this week, not counted." in text
    refused_link = (
        f"/admin/tracking/inboundwebhook/?brand__id__exact={brand.id}&amp;provider__exact=easypost"
        "&amp;result__in=failed%2Cinvalid%2Crejected"
    )
    assert refused_link in text
    listed = owner_client.get(refused_link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 8  # the list shows everything, the test event too


def test_after_a_test_event_the_page_still_says_the_provider_never_called(owner_client, brand):
    services.webhook_secret_generate(brand=brand, provider="easypost")
    owner_client.post(page_url(brand, "test/easypost/"))
    stats = webhook_call_stats(brand_id=brand.id, providers=PROVIDERS, now=datetime.now(tz=UTC))["easypost"]
    assert stats.last_received_at is None
    assert (stats.accepted_week, stats.test_events_week) == (0, 1)
    assert "No call from the provider has arrived yet." in owner_client.get(page_url(brand)).content.decode()


@pytest.mark.parametrize(
    ("language", "button"),
    [
        ("ro", "Trimite un eveniment de test"),
        ("pl", "Wyślij zdarzenie testowe"),
        ("ru", "Отправить тестовое событие"),
    ],
)
def test_the_page_speaks_the_staff_members_language(owner_client, brand, language, button):
    text = owner_client.get(page_url(brand), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert button in text
    assert "Send a test event" not in text
