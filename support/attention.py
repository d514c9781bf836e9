"""What waits for a staff member: the console's sidebar badges and the email digest's figures.

Cases are worked by owners and support agents, returns by owners and returns managers; a person
counts only the brands where their role handles the thing (a returns manager of one brand and an
agent of another sees the cases of the second only). Superusers count every brand.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from brands.models import Brand, Membership
from brands.permissions import roles_granting
from returns.models import Return
from returns.statuses import ReturnStatus
from support.models import Author, Case, CaseMessage, CaseStatus

# Who handles the work is read from the roles' permissions (brands.services.ROLE_PERMISSIONS), never listed here.
CASE_PERMISSION: Final = "support.change_case"
RETURN_PERMISSION: Final = "returns.change_return"
# A case waits for staff while it is new or the shopper wrote last; a return while a person must act.
CASES_WAITING: Final = (CaseStatus.NEW, CaseStatus.OPEN)
RETURNS_WAITING: Final = (ReturnStatus.REQUESTED, ReturnStatus.RECEIVED)
BADGE_SECONDS: Final = 60


def brands_handled(*, user: AbstractBaseUser | AnonymousUser, roles: Iterable[str]) -> QuerySet[Any] | None:
    """Ids of the brands where the user's role handles this work, as a subquery; None for every brand."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    return Membership.objects.filter(user_id=user.pk or 0, role__in=list(roles)).values("brand_id")


def _in_brands(queryset: QuerySet[Any], brand_ids: QuerySet[Any] | None) -> QuerySet[Any]:
    return queryset if brand_ids is None else queryset.filter(brand_id__in=brand_ids)


def cases_waiting_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    """New cases and cases the shopper answered, in the user's support brands (one query)."""
    cases = Case.objects.filter(status__in=CASES_WAITING)
    return int(_in_brands(cases, brands_handled(user=user, roles=roles_granting(CASE_PERMISSION))).count())


def returns_waiting_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    """Returns to approve or to inspect, in the user's returns brands (one query)."""
    returns = Return.objects.filter(status__in=RETURNS_WAITING)
    return int(
        _in_brands(returns, brands_handled(user=user, roles=roles_granting(RETURN_PERMISSION))).count()
    )


def _badge(request: Any, kind: str, count: Any) -> str:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return ""
    key = f"console:badge:{kind}:{user.pk}"
    value = cache.get(key)
    if value is None:
        value = count(user=user)
        cache.set(key, value, BADGE_SECONDS)
    return str(value) if value else ""


def badges_forget(*, user_id: int) -> None:
    """Drop a person's cached badges, so what they just did shows at once (others see it within the minute)."""
    cache.delete_many([f"console:badge:{kind}:{user_id}" for kind in ("cases", "returns")])


def cases_badge(request: Any) -> str:
    """The sidebar's Cases badge: the count, cached a minute per person; empty when nothing waits."""
    return _badge(request, "cases", cases_waiting_count)


def returns_badge(request: Any) -> str:
    """The sidebar's Returns badge: the count, cached a minute per person; empty when nothing waits."""
    return _badge(request, "returns", returns_waiting_count)


@dataclass(frozen=True)
class BrandNews:
    brand_id: int
    brand: str
    cases: int
    replies: int
    returns: int

    @property
    def anything(self) -> bool:
        return bool(self.cases or self.replies or self.returns)


def news_since(*, user: AbstractBaseUser, since: datetime, until: datetime) -> list[BrandNews]:
    """Per brand, what arrived in (since, until]: new cases, shopper replies, returns waiting (3 queries + 1)."""
    window = {"created_at__gt": since, "created_at__lte": until}
    case_brands = brands_handled(user=user, roles=roles_granting(CASE_PERMISSION))
    return_brands = brands_handled(user=user, roles=roles_granting(RETURN_PERMISSION))
    cases = dict(
        _in_brands(Case.objects.filter(**window), case_brands)
        .values_list("brand_id")
        .annotate(count=Count("id"))
    )
    replies_query = CaseMessage.objects.filter(author=Author.SHOPPER, **window).exclude(
        # The first message of a new case is counted as the case.
        Q(case__created_at__gt=since) & Q(case__created_at__lte=until)
    )
    if case_brands is not None:
        replies_query = replies_query.filter(case__brand_id__in=case_brands)
    replies = dict(replies_query.values_list("case__brand_id").annotate(count=Count("id")))
    returns = dict(
        _in_brands(
            Return.objects.filter(
                status__in=RETURNS_WAITING, requested_at__gt=since, requested_at__lte=until
            ),
            return_brands,
        )
        .values_list("brand_id")
        .annotate(count=Count("id"))
    )
    ids = set(cases) | set(replies) | set(returns)
    names = dict(Brand.objects.filter(id__in=ids).values_list("id", "name")) if ids else {}
    news = [
        BrandNews(
            brand_id=brand_id,
            brand=names.get(brand_id, ""),
            cases=cases.get(brand_id, 0),
            replies=replies.get(brand_id, 0),
            returns=returns.get(brand_id, 0),
        )
        for brand_id in ids
    ]
    return sorted((item for item in news if item.anything), key=lambda item: (item.brand, item.brand_id))
