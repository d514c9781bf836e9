"""Change history in the console: who changed a setting, rule, template or return, when, old → new.

Every history page is scoped like the admin itself (a staff member sees only their brands' rows) and
is read-only: simple-history's "revert" would save a past version straight over the row, around the
services that keep returns, templates and settings consistent.
"""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import HistoryManager

from brands.admin_scope import brand_lookup
from brands.selectors import brand_ids_for_user
from common.numbers import is_plain_number


class BrandScopedHistoryAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Put before BrandScopedAdmin: adds a scoped, read-only "History" page with old → new values."""

    def get_history_queryset(
        self, request: HttpRequest, history_manager: HistoryManager, pk_name: str, object_id: Any
    ) -> QuerySet[Any]:
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        ids = brand_ids_for_user(user=request.user)
        lookup = brand_lookup(self.model)
        if ids is None or lookup is None:
            return records
        # Filtering the history rows themselves also hides the past of a row another brand deleted.
        return records.filter(**{f"{lookup}__in": ids})

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        if not self._is_valid_id(unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)  # type: ignore[no-any-return]

    def _is_valid_id(self, object_id: str) -> bool:
        try:
            self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return False
        return "\x00" not in object_id

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        if not is_plain_number(str(version_id)) or not self._is_valid_id(unquote(object_id)):
            raise Http404
        manager = self.model._meta.simple_history_manager_attribute
        records = self.get_history_queryset(
            request, getattr(self.model, manager), self.model._meta.pk.attname, unquote(object_id)
        )
        if not records.filter(history_id=version_id).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[no-any-return]
