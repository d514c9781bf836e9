"""The console in each staff member's own language, kept in their profile and copied to the session."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from brands.models import StaffProfile

SESSION_KEY = "staff_language"


def staff_language_set(*, request: HttpRequest, language: str) -> None:
    """Save a staff member's console language ("" follows the browser) and use it from now on."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    StaffProfile.objects.update_or_create(user_id=request.user.pk, defaults={"language": language})
    request.session[SESSION_KEY] = language


@receiver(user_logged_in)
def _remember_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or getattr(request, "session", None) is None:
        return
    language = StaffProfile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    request.session[SESSION_KEY] = language or ""


class StaffLanguageMiddleware:
    """In the admin, a signed-in staff member's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY) if session is not None else None
        if (
            language
            and language in dict(settings.LANGUAGES)
            and request.path.startswith(self.admin_prefix)
            and request.user.is_authenticated
        ):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
