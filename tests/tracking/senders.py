"""Post recorded payloads to the webhook endpoints, signed as each provider signs them."""

import json
from typing import Any

from tests.tracking.payloads import as_meta, dump, sign


def body_of(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else dump(payload)


def post_webhook(
    client: Any,
    brand: Any,
    provider: str,
    payload: Any,
    *,
    secret: str,
    topic: str = "",
    webhook_id: str = "",
) -> Any:
    """One signed call of `provider` to the brand's endpoint; Shopify gets its topic and id headers."""
    body = body_of(payload)
    headers = sign(provider, secret, body)
    if provider == "shopify":
        headers |= {
            "X-Shopify-Topic": topic,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Shop-Domain": f"{brand.slug}.myshopify.com",
        }
    return client.post(
        f"/webhooks/{provider}/{brand.slug}/", data=body, content_type="application/json", **as_meta(headers)
    )


def api_post(client: Any, api_key: str, url: str, data: Any) -> Any:
    return client.post(
        url, data=json.dumps(data), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
