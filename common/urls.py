"""Absolute links to shopper pages, for API representations and messages."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def tracking_url(*, brand_slug: str, token: str) -> str:
    """The branded tracking page a message or API representation links to."""
    return absolute_url(reverse("tracking-page", kwargs={"brand_slug": brand_slug, "token": token}))


def staff_view_url(*, brand_slug: str, token: str) -> str:
    """The real tracking page, for staff: the signed parameter keeps their visit out of the page views."""
    from common.shopper import STAFF_VIEW_PARAM, staff_view_signature

    path = reverse("tracking-page", kwargs={"brand_slug": brand_slug, "token": token})
    return f"{path}?{STAFF_VIEW_PARAM}={staff_view_signature(token)}"
