"""Which customers this browser session has proved to be (order number + email, or an emailed code).

A tracking link alone proves nothing about its holder; spending value asks for this proof.
"""

from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY: Final = "verified_customers"
PROOF_LASTS: Final = timedelta(minutes=30)


def shopper_proved(*, request: HttpRequest, customer_id: int, now: datetime | None = None) -> None:
    """Remember, for a while, that this session proved to be the customer."""
    now = now or timezone.now()
    proofs = {
        key: until
        for key, until in dict(request.session.get(SESSION_KEY, {})).items()
        if until > now.timestamp()
    }
    proofs[str(customer_id)] = (now + PROOF_LASTS).timestamp()
    request.session[SESSION_KEY] = proofs
    request.session.cycle_key()  # a new proof gets a new session id: no fixation


def shopper_is_proved(*, request: HttpRequest, customer_id: int, now: datetime | None = None) -> bool:
    """True while this session's proof of being the customer lasts."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session yet: no proof, and no session read (keeps the page cacheable)
    now = now or timezone.now()
    until = dict(request.session.get(SESSION_KEY, {})).get(str(customer_id))
    return until is not None and float(until) > now.timestamp()
