"""Reads for the Connections page: the URLs to paste into each provider, the secrets and keys a brand
holds (never their values), and what each provider's calls have looked like lately."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from brands.models import ApiKey, Brand, IntegrationSecret, Provider
from common.urls import absolute_url
from returns.models import WebhookEndpoint
from tracking import selectors as tracking_selectors
from tracking.carriers import shippo


@dataclass(frozen=True)
class ProviderGuide:
    """How a merchant connects one provider: who makes the secret, where to click, what to subscribe to."""

    provider: str
    name: str
    # True: we generate the secret and the merchant types it into the provider. False: the provider
    # issues it and the merchant pastes it here.
    we_issue_secret: bool
    where: str  # the provider's own menu labels, in English as its dashboard shows them
    steps: tuple[Any, ...]
    events: tuple[str, ...]
    signature: str


GUIDES: tuple[ProviderGuide, ...] = (
    ProviderGuide(
        provider=Provider.SHOPIFY,
        name="Shopify",
        we_issue_secret=False,
        where="Shopify admin → Settings → Notifications → Webhooks",
        steps=(
            _("Create one webhook per event below: format JSON, the URL below, the latest API version."),
            _(
                "Copy the key under the list (“Your webhooks will be signed with …”), or your custom "
                "app's API secret key, and paste it here."
            ),
        ),
        events=(
            "orders/create",
            "orders/updated",
            "orders/paid",
            "orders/cancelled",
            "fulfillments/create",
            "fulfillments/update",
        ),
        signature="X-Shopify-Hmac-Sha256",
    ),
    ProviderGuide(
        provider=Provider.EASYPOST,
        name="EasyPost",
        we_issue_secret=True,
        where="EasyPost dashboard → Account settings → Webhooks & Events → Add webhook",
        steps=(
            _("Generate a secret here, then paste the URL and the secret into the new webhook (Production)."),
            _("EasyPost sends every event to the URL; only tracker events are used, the rest are ignored."),
        ),
        events=("tracker.created", "tracker.updated"),
        signature="X-Hmac-Signature",
    ),
    ProviderGuide(
        provider=Provider.AFTERSHIP,
        name="AfterShip",
        we_issue_secret=False,
        where="AfterShip admin → Tracking → Settings → Webhooks",
        steps=(
            _("Add the URL below as a webhook URL and choose the tracking updates to send (all statuses)."),
            _("Copy the webhook secret AfterShip shows on that page and paste it here."),
        ),
        events=("tracking_update", "edd_revise"),
        signature="aftership-hmac-sha256",
    ),
    ProviderGuide(
        provider=Provider.SHIPPO,
        name="Shippo",
        we_issue_secret=True,
        where="Shippo dashboard → Settings → Advanced → Webhooks → Add webhook",
        steps=(
            _("Generate a secret here: the URL with the secret as its token is shown once."),
            _("Paste that URL into a new webhook for the event below, in Live mode."),
        ),
        events=("track_updated",),
        signature=f"Shippo-Auth-Signature or ?{shippo.TOKEN_PARAMETER}=",
    ),
)
GUIDE_BY_PROVIDER: dict[str, ProviderGuide] = {guide.provider: guide for guide in GUIDES}


@dataclass(frozen=True)
class ProviderConnection:
    guide: ProviderGuide
    webhook_url: str
    secret_updated_at: datetime | None
    previous_valid_until: datetime | None  # the replaced secret is still accepted until then
    stats: tracking_selectors.WebhookCallStats
    calls_url: str
    refused_url: str

    @property
    def connected(self) -> bool:
        return self.secret_updated_at is not None


@dataclass(frozen=True)
class BrandConnections:
    brand: Brand
    providers: list[ProviderConnection]
    api_keys: list[ApiKey]
    return_endpoints: list[WebhookEndpoint]
    custom_domain: str


def webhook_url(*, brand: Brand, provider: str, token: str = "") -> str:
    """The absolute URL a provider posts this brand's webhooks to.

    Always on the product's own host (SITE_URL): a brand's custom domain serves only shopper pages.
    """
    url = absolute_url(reverse(f"webhook-{provider}", kwargs={"brand_slug": brand.slug}))
    return f"{url}?{urlencode({shippo.TOKEN_PARAMETER: token})}" if token else url


def inbound_calls_url(*, brand_id: int, provider: str, refused: bool = False) -> str:
    """The console's list of this provider's calls for the brand (only the refused ones, if asked)."""
    params: dict[str, Any] = {"brand__id__exact": brand_id, "provider__exact": provider}
    if refused:
        params["result__in"] = ",".join(sorted(tracking_selectors.REFUSED_RESULTS))
    return f"{reverse('admin:tracking_inboundwebhook_changelist')}?{urlencode(params)}"


def api_keys_for_brand(*, brand_id: int) -> QuerySet[ApiKey]:
    """Live keys first, newest first; the hash is never read."""
    return (
        ApiKey.objects.filter(brand_id=brand_id)
        .only("id", "brand_id", "name", "prefix", "created_at", "last_used_at", "revoked_at")
        .order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")
    )


def brand_connections(*, brand: Brand, now: datetime) -> BrandConnections:
    """Everything the Connections page shows for one brand, in a fixed number of queries."""
    providers = [guide.provider for guide in GUIDES]
    secrets = {
        row["provider"]: row
        for row in IntegrationSecret.objects.filter(brand=brand).values(
            "provider", "updated_at", "previous_valid_until"
        )
    }
    stats = tracking_selectors.webhook_call_stats(brand_id=brand.id, providers=providers, now=now)
    connections = []
    for guide in GUIDES:
        secret = secrets.get(guide.provider)
        until = secret["previous_valid_until"] if secret else None
        connections.append(
            ProviderConnection(
                guide=guide,
                webhook_url=webhook_url(brand=brand, provider=guide.provider),
                secret_updated_at=secret["updated_at"] if secret else None,
                previous_valid_until=until if until is not None and until > now else None,
                stats=stats[guide.provider],
                calls_url=inbound_calls_url(brand_id=brand.id, provider=guide.provider),
                refused_url=inbound_calls_url(brand_id=brand.id, provider=guide.provider, refused=True),
            )
        )
    return BrandConnections(
        brand=brand,
        providers=connections,
        api_keys=list(api_keys_for_brand(brand_id=brand.id)[:50]),
        return_endpoints=list(
            WebhookEndpoint.objects.filter(brand=brand)
            .only("id", "url", "active", "created_at")
            .order_by("id")
        ),
        custom_domain=brand.custom_domain or "",
    )
