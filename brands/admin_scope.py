"""Brand scoping for the admin: staff see and choose only the rows of brands they belong to."""

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DataError, models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import TabularInline as UnfoldTabularInline

from brands.models import Brand
from brands.permissions import BrandRolePermissionsMixin
from brands.selectors import brand_ids_for_user
from common.locales import TIMEZONES


def brand_lookup(model: type[models.Model]) -> str | None:
    """The ORM path from a model to its Brand, e.g. "brand" or "order__brand"; None if unscoped."""
    if model is Brand:
        return "id"
    explicit = getattr(model, "BRAND_LOOKUP", None)
    if explicit:
        return f"{explicit}_id"
    try:
        field = model._meta.get_field("brand")
    except Exception:
        return None
    return "brand_id" if field.is_relation else None


def _is_relation(model: type[models.Model], path: str) -> bool:
    try:
        return bool(get_fields_from_path(model, path)[-1].is_relation)
    except (FieldDoesNotExist, NotRelationField):
        return False


def scope_to_user(queryset: QuerySet[Any], request: HttpRequest) -> QuerySet[Any]:
    ids = brand_ids_for_user(user=request.user)
    if ids is None:
        return queryset
    lookup = brand_lookup(queryset.model)
    if lookup is None:
        return queryset
    return queryset.filter(**{f"{lookup}__in": ids})


def has_nul(params: QueryDict) -> bool:
    """Whether any name or value of a QueryDict holds a NUL character."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in params.lists())


class BrandScopedMixin(BrandRolePermissionsMixin):
    """Mix into ModelAdmin and inlines: queryset, foreign-key and many-to-many choices scoped;
    a row's change, delete and actions follow the role held in that row's brand."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_to_user(super().get_queryset(request), request)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_to_user(formfield.queryset, request)
        return formfield

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scope_to_user(formfield.queryset, request)
        return formfield

    def get_list_display(self, request: HttpRequest) -> Any:
        # A brand column says nothing to staff of one brand: give its width to the columns that do.
        columns = super().get_list_display(request)  # type: ignore[misc]
        ids = brand_ids_for_user(user=request.user)
        if ids is not None and len(ids) == 1 and "brand" in columns and columns[0] != "brand":
            return [column for column in columns if column != "brand"]
        return columns

    def get_list_filter(self, request: HttpRequest) -> Any:
        # A plain related-field filter lists every row of the related table (every brand's name):
        # offer only the values present in this user's scoped changelist.
        scoped: list[Any] = []
        for entry in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(entry, str) and _is_relation(self.model, entry):  # type: ignore[attr-defined]
                scoped.append((entry, admin.RelatedOnlyFieldListFilter))
            else:
                scoped.append(entry)
        return scoped

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Postgres takes no NUL in a string, and a list filter hands its value to the query as is:
        # refuse such a filter or search here rather than answer 500.
        if has_nul(request.GET):
            return HttpResponseBadRequest(
                "A filter or search value contains a NUL character.", content_type="text/plain"
            )
        return super().changelist_view(request, extra_context)  # type: ignore[misc,no-any-return]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # One row belongs to one brand: read (and type) its times in that brand's zone, even for staff
        # whose brands lie in different zones and whose lists therefore speak UTC.
        zone = _brand_zone_of(self.get_queryset(request), object_id)  # type: ignore[attr-defined]
        if zone is None:
            return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]
        with timezone.override(ZoneInfo(zone)):
            response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
            if isinstance(response, TemplateResponse):
                response.render()  # rendered lazily otherwise: after the zone is gone
            return response  # type: ignore[no-any-return]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> Any:
        # Autocomplete widgets query the related admin's search: keep that scoped too.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        return scope_to_user(queryset, request), may_have_duplicates


def _brand_zone_of(queryset: QuerySet[Any], object_id: str) -> str | None:
    lookup = brand_lookup(queryset.model)
    if lookup is None:
        return None
    path = "timezone" if lookup == "id" else f"{lookup.removesuffix('_id')}__timezone"
    try:
        zone = queryset.filter(pk=unquote(object_id)).values_list(path, flat=True).first()
    except (ValueError, ValidationError, DataError):
        return None  # not an id: the admin answers that itself
    return zone if zone in TIMEZONES else None


class BrandScopedAdmin(BrandScopedMixin, UnfoldModelAdmin):  # type: ignore[type-arg]
    pass


class BrandScopedTabularInline(BrandScopedMixin, UnfoldTabularInline):  # type: ignore[type-arg]
    pass
