"""The staff email digest: new cases, shopper replies and returns waiting, per brand, in the reader's language.

Each digest is a row written before anything is sent, keyed by (person, end of the period): a beat
run repeated within the hour finds the row and writes nothing, and the sending task claims the row
with a conditional update, so a digest goes out at most once. Nothing new, nothing written or sent.
"""

from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brands.models import Membership
from brands.permissions import roles_granting
from common.urls import absolute_url
from support.attention import CASE_PERMISSION, CASES_WAITING, RETURN_PERMISSION, RETURNS_WAITING, news_since
from support.models import StaffDigest, StaffDigestPreference

FIRST_DIGEST_LOOKBACK: Final = timedelta(days=1)


def digest_preference(*, user_id: int) -> StaffDigestPreference:
    """The person's digest settings (on, in their brand's language, until they change it)."""
    preference = StaffDigestPreference.objects.filter(user_id=user_id).first()
    return preference or StaffDigestPreference(user_id=user_id, enabled=True, language="")


def digest_preference_set(*, user_id: int, enabled: bool, language: str) -> StaffDigestPreference:
    preference, _created = StaffDigestPreference.objects.update_or_create(
        user_id=user_id, defaults={"enabled": enabled, "language": language}
    )
    return preference


def _language(*, user_id: int, preferred: str) -> str:
    if preferred:
        return preferred
    brand_locale = (
        Membership.objects.filter(user_id=user_id)
        .order_by("id")
        .values_list("brand__default_locale", flat=True)
        .first()
    )
    return str(brand_locale or settings.LANGUAGE_CODE)


def _recipients() -> Any:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            memberships__role__in=list(roles_granting(CASE_PERMISSION) | roles_granting(RETURN_PERMISSION)),
        )
        .exclude(email="")
        .exclude(digest_preference__enabled=False)
        .select_related("digest_preference")
        .distinct()
        .order_by("id")
    )


def staff_digests_write(*, now: datetime | None = None) -> list[int]:
    """Write the digest of every staff member with something new since their last one; each is sent
    after its row commits. Idempotent within the hour. Returns the ids of the digests written."""
    until = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    written: list[int] = []
    for user in _recipients():
        digest_id = _digest_write(user=user, until=until)
        if digest_id is not None:
            written.append(digest_id)
    return written


@transaction.atomic
def _digest_write(*, user: Any, until: datetime) -> int | None:
    last = (
        StaffDigest.objects.filter(user=user)
        .order_by("-covered_until")
        .values_list("covered_until", flat=True)
        .first()
    )
    since = last or until - FIRST_DIGEST_LOOKBACK
    if since >= until:
        return None
    news = news_since(user=user, since=since, until=until)
    if not news:
        return None
    preference = getattr(user, "digest_preference", None)
    digest, created = StaffDigest.objects.get_or_create(
        user=user,
        covered_until=until,
        defaults={
            "covered_from": since,
            "language": _language(user_id=user.id, preferred=preference.language if preference else ""),
            "summary": [
                {
                    "brand_id": item.brand_id,
                    "brand": item.brand,
                    "cases": item.cases,
                    "replies": item.replies,
                    "returns": item.returns,
                }
                for item in news
            ],
        },
    )
    if not created:
        return None
    from support.tasks import send_staff_digest

    transaction.on_commit(lambda: send_staff_digest.delay(digest.id))
    return digest.id


def _cases_link(brand_id: int) -> str:
    statuses = ",".join(CASES_WAITING)
    return absolute_url(
        f"{reverse('admin:support_case_changelist')}?brand__id__exact={brand_id}&status__in={statuses}"
    )


def _returns_link(brand_id: int) -> str:
    statuses = ",".join(RETURNS_WAITING)
    return absolute_url(
        f"{reverse('admin:returns_return_changelist')}?brand__id__exact={brand_id}&status__in={statuses}"
    )


def digest_text(*, digest: StaffDigest) -> tuple[str, str]:
    """(subject, body) of a digest in its language."""
    with translation.override(digest.language):
        total = sum(row["cases"] + row["replies"] + row["returns"] for row in digest.summary)
        subject = ngettext(
            "%(count)s new thing waits for you in the console",
            "%(count)s new things wait for you in the console",
            total,
        ) % {"count": total}
        lines = [_("Since your last digest:"), ""]
        for row in digest.summary:
            lines.append(row["brand"])
            if row["cases"]:
                lines.append(
                    "  · "
                    + ngettext("%(count)s new case", "%(count)s new cases", row["cases"])
                    % {"count": row["cases"]}
                )
            if row["replies"]:
                lines.append(
                    "  · "
                    + ngettext(
                        "%(count)s reply from a shopper", "%(count)s replies from shoppers", row["replies"]
                    )
                    % {"count": row["replies"]}
                )
            if row["cases"] or row["replies"]:
                lines.append("    " + _cases_link(row["brand_id"]))
            if row["returns"]:
                lines.append(
                    "  · "
                    + ngettext(
                        "%(count)s return waits for you", "%(count)s returns wait for you", row["returns"]
                    )
                    % {"count": row["returns"]}
                )
                lines.append("    " + _returns_link(row["brand_id"]))
            lines.append("")
        lines.append(
            _("Turn this email off: %(url)s")
            % {"url": absolute_url(reverse("admin:support_staffdigestpreference_changelist"))}
        )
        return subject, "\n".join(lines)


def staff_digest_send(*, digest_id: int) -> bool:
    """Send one digest, at most once: the row is claimed before the email leaves. False if already sent."""
    claimed = StaffDigest.objects.filter(id=digest_id, sent_at__isnull=True).update(sent_at=timezone.now())
    if not claimed:
        return False
    digest = StaffDigest.objects.select_related("user").get(id=digest_id)
    subject, body = digest_text(digest=digest)
    send_mail(subject, body, None, [digest.user.email])
    return True
