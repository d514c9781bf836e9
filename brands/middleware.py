"""Admin pages in the staff's brand time zone: times are stored in UTC, read where the brand works."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from brands import selectors


class StaffBrandTimezoneMiddleware:
    """Activate the brand's time zone for admin requests of staff whose brands share one zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        zone = None
        user = getattr(request, "user", None)
        if request.path.startswith(self.admin_prefix) and user is not None and user.is_authenticated:
            zone = selectors.timezone_for_staff(user=user)
        if zone is None:
            return self.get_response(request)
        timezone.activate(ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
