"""Rotating a webhook secret: the replaced one still verifies for the grace period, then never again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from brands import selectors, services
from brands.models import IntegrationSecret
from tests.tracking.payloads import as_meta, load, sign
from tracking.models import InboundWebhook, WebhookResult

pytestmark = pytest.mark.django_db

ROTATED_AT = datetime(2026, 11, 4, 9, 0, tzinfo=UTC)
OLD, NEW = "old-secret-from-easypost", "new-secret-from-easypost"


def post_easypost(client, brand, secret: str):
    body = load("easypost", "tracker_updated_in_transit")
    return client.post(
        f"/webhooks/easypost/{brand.slug}/",
        data=body,
        content_type="application/json",
        **as_meta(sign("easypost", secret, body)),
    )


@pytest.fixture
def rotated(brand):
    with time_machine.travel(ROTATED_AT - timedelta(days=30), tick=False):
        services.webhook_secret_set(brand=brand, provider="easypost", secret=OLD)
    with time_machine.travel(ROTATED_AT, tick=False):
        services.webhook_secret_set(brand=brand, provider="easypost", secret=NEW)
    return brand


def test_rotation_keeps_the_previous_secret_for_24_hours(rotated):
    row = IntegrationSecret.objects.get(brand=rotated, provider="easypost")
    assert (row.secret, row.previous_secret) == (NEW, OLD)
    assert row.previous_valid_until == ROTATED_AT + timedelta(hours=24)


@pytest.mark.parametrize(
    ("moment", "old_accepted"),
    [
        (ROTATED_AT + timedelta(minutes=1), True),
        (ROTATED_AT + timedelta(hours=23, minutes=59), True),
        (ROTATED_AT + timedelta(hours=24), False),
        (ROTATED_AT + timedelta(days=3), False),
    ],
)
def test_the_endpoint_accepts_the_old_secret_only_during_the_grace(client, rotated, moment, old_accepted):
    with time_machine.travel(moment, tick=False):
        old_call = post_easypost(client, rotated, OLD)
        old_row = InboundWebhook.objects.filter(brand=rotated).latest("id")
        new_call = post_easypost(client, rotated, NEW)
    # The parcel is unknown: a verified call is accepted and kept as unmatched (202).
    assert old_call.status_code == (202 if old_accepted else 401)
    assert old_row.signature_valid is old_accepted
    assert old_row.result == (WebhookResult.UNMATCHED if old_accepted else WebhookResult.REJECTED)
    # The new secret always verifies; after an accepted old call the same delivery is a duplicate.
    assert new_call.status_code == 202
    new_row = InboundWebhook.objects.filter(brand=rotated).latest("id")
    assert new_row.signature_valid is True
    assert new_row.result == (WebhookResult.DUPLICATE if old_accepted else WebhookResult.UNMATCHED)


def test_a_secret_never_set_still_refuses_with_its_reason(client, brand):
    response = post_easypost(client, brand, OLD)
    assert response.status_code == 401
    assert InboundWebhook.objects.get().error == "No webhook secret is configured for this provider."


def test_a_third_secret_drops_the_first_at_once(client, rotated):
    with time_machine.travel(ROTATED_AT + timedelta(hours=1), tick=False):
        services.webhook_secret_set(brand=rotated, provider="easypost", secret="third-secret")
        assert selectors.webhook_secrets_accepted(brand=rotated, provider="easypost") == ["third-secret", NEW]
        assert post_easypost(client, rotated, OLD).status_code == 401


def test_setting_the_same_secret_again_keeps_the_grace_as_it_was(rotated):
    with time_machine.travel(ROTATED_AT + timedelta(hours=2), tick=False):
        services.webhook_secret_set(brand=rotated, provider="easypost", secret=NEW)
    row = IntegrationSecret.objects.get(brand=rotated, provider="easypost")
    assert (row.previous_secret, row.previous_valid_until) == (OLD, ROTATED_AT + timedelta(hours=24))


def test_ending_the_grace_refuses_the_old_secret_now(client, rotated):
    with time_machine.travel(ROTATED_AT + timedelta(hours=1), tick=False):
        services.webhook_secret_end_grace(brand=rotated, provider="easypost")
        assert post_easypost(client, rotated, OLD).status_code == 401
        assert post_easypost(client, rotated, NEW).status_code == 202


def test_generated_secrets_are_long_random_and_verify(client, brand):
    first = services.webhook_secret_generate(brand=brand, provider="easypost")
    second = services.webhook_secret_generate(brand=brand, provider="easypost")
    assert first != second
    assert len(first) >= 40
    assert selectors.webhook_secrets_accepted(brand=brand, provider="easypost") == [second, first]
    assert post_easypost(client, brand, second).status_code == 202


@pytest.mark.parametrize(
    ("provider", "secret", "message"),
    [
        ("easypost", "", "empty"),
        ("easypost", "   ", "empty"),
        ("easypost", "x" * 256, "longer than 255"),
        ("easypost", "line\nbreak", "control characters"),
        ("fedex", "a-secret", "Unknown provider"),
        ("", "a-secret", "Unknown provider"),
    ],
)
def test_bad_secrets_are_refused_and_nothing_is_written(brand, provider, secret, message):
    services.webhook_secret_set(brand=brand, provider="easypost", secret=OLD)
    with pytest.raises(services.CredentialRefused, match=message):
        services.webhook_secret_set(brand=brand, provider=provider, secret=secret)
    row = IntegrationSecret.objects.get()
    assert (row.secret, row.previous_secret) == (OLD, "")


def test_api_key_names_are_bounded_and_revocation_is_scoped(brand, other_brand):
    with pytest.raises(services.CredentialRefused, match="at most 100"):
        services.api_key_create(brand=brand, name="n" * 101)
    theirs = services.api_key_create(brand=other_brand, name="theirs")
    assert services.api_key_revoke(api_key_id=theirs.api_key_id, brand_id=brand.id) is False
    assert selectors.api_key_authenticate(raw_key=theirs.raw_key) is not None
    assert services.api_key_revoke(api_key_id=theirs.api_key_id, brand_id=other_brand.id) is True
    assert selectors.api_key_authenticate(raw_key=theirs.raw_key) is None


def test_the_command_rotates_with_the_same_grace(brand):
    from django.core.management import call_command

    with time_machine.travel(ROTATED_AT, tick=False):
        call_command("set_webhook_secret", brand.slug, "aftership", OLD, stdout=None)
        call_command("set_webhook_secret", brand.slug, "aftership", NEW, stdout=None)
        assert selectors.webhook_secrets_accepted(brand=brand, provider="aftership") == [NEW, OLD]
