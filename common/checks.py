"""Deployment checks of our own, run by `manage.py check --deploy` (the compose `migrate` step)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

EMBEDDED_SECRET_KEY = "insecure-embedded-default-for-make-run-only"  # noqa: S105 -- the value we refuse


@register(Tags.security, deploy=True)
def secret_key_is_set(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """A deployment must bring its own SECRET_KEY: the embedded one is public."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        key = ""
    if not key or key == EMBEDDED_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is not set.",
                hint="Set SECRET_KEY in the environment to a long random string, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="postpurchase.E001",
            )
        ]
    return []
