"""Admin changelist links filtered like the dashboard figure they sit behind."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from console.selection import Selection
from support.selectors import OPEN_STATUSES
from tracking.models import Direction


class Links:
    """Admin changelist URLs filtered like the figure they sit behind: brand, dates, status."""

    def __init__(self, selection: Selection) -> None:
        self.brand = {"brand__id__exact": selection.brand.id} if selection.brand else {}
        self.period = selection.period

    def _url(self, name: str, field: str, **params: Any) -> str:
        bounds = {f"{field}__gte": self.period.start.isoformat(), f"{field}__lt": self.period.end.isoformat()}
        query = {**self.brand, **bounds, **{key: value for key, value in params.items() if value != ""}}
        return f"{reverse(f'admin:{name}_changelist')}?{urlencode(query)}"

    def shipments(self, *, carrier: str = "", outcome: str = "", delivered: bool = False) -> str:
        extra: dict[str, Any] = {"direction__exact": Direction.OUTBOUND, "carrier_code__exact": carrier}
        if outcome:
            extra["outcome"] = outcome
        if delivered:
            extra["delivered_at__isnull"] = "False"
        return self._url("tracking_shipment", "shipped_at", **extra)

    def orders_viewed(self) -> str:
        """Orders whose tracking page was opened on a day of the period (page views count by day)."""
        days = f"{self.period.first_day.isoformat()}..{self.period.last_day.isoformat()}"
        return f"{reverse('admin:orders_order_changelist')}?{urlencode({**self.brand, 'viewed': days})}"

    def orders(self, *, asked: str = "") -> str:
        return self._url("orders_order", "placed_at", asked=asked)

    def returns(self, *, reason_id: int | str = "", resolution: str = "", product_id: int | str = "") -> str:
        return self._url(
            "returns_return",
            "requested_at",
            reason__id__exact=reason_id,
            resolution__exact=resolution,
            product=product_id,
        )

    def ratings(self) -> str:
        return self._url("feedback_deliveryrating", "created_at")

    def nps(self) -> str:
        return self._url("feedback_npsrequest", "answered_at", score__isnull="False")

    def messages(self, *, trigger: str = "", channel: str = "", state: str = "") -> str:
        extra: dict[str, Any] = {"trigger__exact": trigger, "channel__exact": channel}
        if state == "sent":
            extra["sent_at__isnull"] = "False"
        elif state == "delivered":
            extra["state__exact"] = "delivered"
        elif state == "failed":
            extra["state__in"] = "failed,undelivered"
        return self._url("notifications_notification", "created_at", **extra)

    def cases(self, *, open_only: bool = False) -> str:
        if open_only:
            query = {**self.brand, "status__in": ",".join(OPEN_STATUSES)}
            return f"{reverse('admin:support_case_changelist')}?{urlencode(query)}"
        return self._url("support_case", "created_at")
