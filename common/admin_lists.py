"""Admin lists that cost the same at a thousand rows and at a million.

A list that grows with shipments (shipments, orders, customers, carrier calls, messages, returns,
cases…) mixes in `LargeListMixin`:

- its page count is exact up to COUNT_EXACT_UP_TO rows (a count that stops there), and the
  planner's estimate beyond: never a full count of a brand's table, and no second, unfiltered count;
- a related-field filter offers the related rows of the user's brands (a small table), not the values
  found by a DISTINCT over the list; a plain-value filter offers the values of the newest
  RECENT_VALUES rows (and the chosen one); choices and booleans stay as they are; no facet counts;
- a date narrows with the static "today / past 7 days / this month / this year" filter, which reads
  the same `field__gte`/`field__lt` range the console's links use, instead of a drill-down whose
  years and months are a DISTINCT over the whole list;
- `indexed_search` (optional) replaces the admin's `icontains` over joins with exact matches that each
  read one index: see each admin for what is searched.
"""

from collections.abc import Callable, Iterable
from typing import Any, Final

from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.http import HttpRequest
from django.utils.functional import cached_property

from brands.admin_scope import brand_lookup
from brands.models import Brand
from brands.selectors import brand_ids_for_user

# Counting stops here: below it the admin shows the exact figure, above it the planner's estimate.
COUNT_EXACT_UP_TO: Final = 10_000
# A plain-value filter offers the values found among this many of the newest rows.
RECENT_VALUES: Final = 2_000
# An indexed search reads at most this many matching rows.
SEARCH_AT_MOST: Final = 1_000


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The rows Postgres expects QUERYSET to return (EXPLAIN, not run); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg2 may hand JSON back as text
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset: QuerySet[Any], *, up_to: int = COUNT_EXACT_UP_TO) -> tuple[int, bool]:
    """How many rows QUERYSET holds, counted up to UP_TO; (count, exact)."""
    counted = queryset.order_by().values("pk")[: up_to + 1].count()
    if counted <= up_to:
        return counted, True
    estimate = planner_estimate(queryset)
    return max(counted, estimate or 0), False


class EstimatedCountPaginator(Paginator):
    """Pages without a full count: exact up to COUNT_EXACT_UP_TO rows, the planner's estimate beyond.

    A page past an estimate that was too low is still served when it has rows, so "next" always
    reaches the real end of the list.
    """

    # Whether `count` is exact; False once the count stopped at its bound and took the estimate.
    exact = True

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        counted, self.exact = bounded_count(self.object_list)
        return counted

    def validate_number(self, number: Any) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        pages = self.num_pages  # counts, and so settles `exact`
        if self.exact and number > pages and not (number == 1 and self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)


def _user_brand_ids(request: HttpRequest) -> set[int]:
    ids = brand_ids_for_user(user=request.user)
    if ids is None:
        # Every brand, listed: an index led by the brand is then used for a superuser too.
        return set(Brand.objects.values_list("id", flat=True))
    return ids


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The related rows of the user's brands (a small table), not a DISTINCT over the list."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> Any:
        related = field.remote_field.model
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = related._default_manager.all()
        lookup = brand_lookup(related)
        ids = brand_ids_for_user(user=request.user)
        if lookup is not None and ids is not None:
            rows = rows.filter(**{f"{lookup}__in": ids})
        if ordering:
            rows = rows.order_by(*ordering)
        return [(row.pk, str(row)) for row in rows[:500]]


class RecentValuesFieldListFilter(admin.AllValuesFieldListFilter):
    """The values of the newest RECENT_VALUES rows of the list, and the chosen one: a bounded read."""

    def __init__(
        self, field: Any, request: HttpRequest, params: Any, model: Any, model_admin: Any, field_path: str
    ):
        super().__init__(field, request, params, model, model_admin, field_path)
        # The list's own order, which its (brand, order) index answers; not the id, which is not by brand.
        ordering = model_admin.get_ordering(request) or model._meta.ordering or ["-pk"]
        newest = model_admin.get_queryset(request).order_by(*ordering)
        values = {value for value in newest.values_list(field.name, flat=True)[:RECENT_VALUES]}
        values.update(self.lookup_val or [])
        self.lookup_choices = sorted(values, key=lambda value: (value is None, str(value)))  # type: ignore[assignment]


def _bounded_filter(model: Any, entry: Any) -> Any:
    """The entry of a list_filter with its choices read boundedly (see the module's docstring)."""
    if isinstance(entry, tuple):
        path, kind = entry
        if kind is admin.RelatedOnlyFieldListFilter:
            return (path, ScopedRelatedFieldListFilter)
        return entry
    if not isinstance(entry, str):
        return entry
    field = model._meta.get_field(entry.split("__")[0]) if "__" not in entry else None
    if field is None:
        return entry
    if field.is_relation:
        return (entry, ScopedRelatedFieldListFilter)
    if field.choices or field.get_internal_type() in {"BooleanField", "NullBooleanField"}:
        return entry
    if field.get_internal_type() in {"DateTimeField", "DateField"}:
        return (entry, admin.DateFieldListFilter)
    return (entry, RecentValuesFieldListFilter)


class LargeListMixin:
    """Mix into the ModelAdmin of a list that grows with shipments (before BrandScopedAdmin)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    # Each entry turns the search term (and the user's brand ids) into a condition that one index
    # answers, or None when the term cannot match it; the rows matching any of them are listed.
    indexed_search: tuple[Callable[[str, set[int]], Q | None], ...] = ()

    def get_list_filter(self, request: HttpRequest) -> Any:
        entries: Iterable[Any] = super().get_list_filter(request)  # type: ignore[misc]
        return [_bounded_filter(self.model, entry) for entry in entries]  # type: ignore[attr-defined]

    def get_search_fields(self, request: HttpRequest) -> Any:
        if self.indexed_search:
            # Offers the search box; get_search_results below does the searching.
            return ("pk",)
        return super().get_search_fields(request)  # type: ignore[misc]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        term = search_term.strip()
        if not self.indexed_search or not term:
            return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        model = queryset.model
        lookup = brand_lookup(model)
        brand_ids = _user_brand_ids(request)
        scoped = model._default_manager.all()
        if lookup is not None:
            scoped = scoped.filter(**{f"{lookup}__in": brand_ids})
        matched: set[Any] = set()
        # One query per condition, so that each reads its own index (an OR across joined tables reads none).
        for condition_of in self.indexed_search:
            condition = condition_of(term, brand_ids)
            if condition is not None:
                matched.update(scoped.filter(condition).values_list("pk", flat=True)[:SEARCH_AT_MOST])
        return queryset.filter(pk__in=sorted(matched)), False


def email_search(path: str) -> Callable[[str, set[int]], Q | None]:
    """Exactly this email, in any case, through the brand's (brand, lower(email)) index of customers."""

    def condition(term: str, brand_ids: set[int]) -> Q | None:
        if "@" not in term:
            return None
        prefix = f"{path}__" if path else ""
        # Said as the (brand, lower(email)) index is written, its condition included, so that it is read.
        return (
            Q(**{f"{prefix}brand_id__in": brand_ids})
            & Q(Exact(Lower(f"{prefix}email"), term.lower()))
            & ~Q(**{f"{prefix}email": ""})
        )

    return condition


def exact_search(path: str, *, brand_path: str | None = None) -> Callable[[str, set[int]], Q | None]:
    """Exactly this value of PATH; BRAND_PATH names the brand of the table PATH lives in, when joined."""

    def condition(term: str, brand_ids: set[int]) -> Q | None:
        if brand_path is None:
            return Q((path, term))
        return Q((f"{brand_path}__in", brand_ids), (path, term))

    return condition
