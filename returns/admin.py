"""The merchant's returns desk: the queue, each return in full, bulk actions, what is coming in,
the policy, and the insights page. Every list and action is scoped to the staff member's brands."""

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from brands.admin_forms import BrandDataFormAdmin
from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline, scope_to_user
from brands.selectors import brand_ids_for_user
from common.admin_lists import LargeListMixin, email_search, exact_search
from common.numbers import is_plain_number
from common.settings_forms import settings_form
from returns import insights, presentation, selectors, services
from returns.admin_forms import InspectionLineForm, RejectionForm
from returns.models import (
    IncomingReturn,
    Return,
    ReturnEvent,
    ReturnLine,
    ReturnNote,
    ReturnPhoto,
    ReturnPolicy,
    ReturnReason,
    ReturnRule,
    WebhookDelivery,
    WebhookEndpoint,
)
from returns.settings_forms import ReturnReasonForm, ReturnRuleForm
from returns.statuses import RESOLVED_STATUS, RESOLVED_STATUSES, Resolution, ReturnStatus, staff_moves

# Rejection reasons may be given in every language shoppers read.
_LOCALES = tuple(code for code, _name in settings.LANGUAGES)


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        lines = scope_to_user(ReturnLine.objects.all(), request)
        categories = lines.values_list("order_line__product__category", flat=True).distinct()
        return [(c, c or "—") for c in sorted(set(categories))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        if self.value() is None:
            return queryset
        return queryset.filter(lines__order_line__product__category=self.value()).distinct()


class ProductFilter(admin.SimpleListFilter):
    """Returns holding a product: what the dashboard's "most returned products" links to."""

    title = _("product")
    parameter_name = "product"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        lines = scope_to_user(ReturnLine.objects.all(), request)
        products = (
            lines.values_list("order_line__product_id", "order_line__product__title")
            .distinct()
            .order_by("order_line__product__title")[:50]
        )
        choices = [(str(pk), title) for pk, title in products]
        chosen = self.value()
        if chosen and is_plain_number(chosen) and chosen not in {pk for pk, _ in choices}:
            title = lines.filter(order_line__product_id=chosen).values_list(
                "order_line__product__title", flat=True
            )
            choices += [(chosen, name) for name in title[:1]]
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        value = self.value()
        if not value:
            return queryset
        if not is_plain_number(value):
            return queryset.none()
        return queryset.filter(lines__order_line__product_id=int(value)).distinct()


class BrandFaultFilter(admin.SimpleListFilter):
    title = _("brand's fault")
    parameter_name = "brand_fault"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Brand's fault")), ("no", gettext("Shopper's choice"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Return]) -> QuerySet[Return]:
        if self.value() in ("yes", "no"):
            return queryset.filter(reason__brand_fault=self.value() == "yes")
        return queryset


class ReturnLineInline(BrandScopedTabularInline):
    model = ReturnLine
    extra = 0
    fields = (
        "order_line",
        "category",
        "quantity",
        "unit_price",
        "exchange_for",
        "condition",
        "accepted_quantity",
        "refund_amount",
        "adjustment_reason",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("category"))
    def category(self, line: ReturnLine) -> str:
        return line.order_line.product.category


class ReturnPhotoInline(BrandScopedTabularInline):
    model = ReturnPhoto
    extra = 0
    fields = ("preview", "content_type", "width", "height", "size", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo: ReturnPhoto) -> str:
        url = reverse("admin:returns_return_photo", args=[photo.return_request_id, photo.id])
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" style="max-height:160px"></a>',
            url,
            url,
            gettext("Shopper photo %(id)s") % {"id": photo.id},
        )


class ReturnEventInline(BrandScopedTabularInline):
    model = ReturnEvent
    extra = 0
    fields = ("created_at", "from_status", "to_status", "actor_label", "note")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False


class ReturnNoteInline(BrandScopedTabularInline):
    model = ReturnNote
    extra = 1
    fields = ("body", "author", "created_at")
    readonly_fields = ("author", "created_at")
    can_delete = False
    verbose_name_plural = _("internal notes (never shown to the shopper)")

    def has_change_permission(self, request, obj=None):
        return False


def _apply(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Return], verb: str, move: Any
) -> None:
    done, refused = 0, []
    actor = services.Actor(request.user.get_username(), user_id=request.user.pk)
    for return_id, rma, brand_id in queryset.values_list("id", "rma", "brand_id")[:500]:
        try:
            move(return_id=return_id, actor=actor, brand_id=brand_id)
            done += 1
        except services.IllegalTransition as exc:
            refused.append(f"{rma}: {exc}")
    if done:
        model_admin.message_user(
            request,
            ngettext("%(count)s return %(verb)s.", "%(count)s returns %(verb)s.", done)
            % {"count": done, "verb": verb},
            messages.SUCCESS,
        )
    if refused:
        model_admin.message_user(
            request, gettext("Not changed — ") + "; ".join(refused[:10]), messages.WARNING
        )


def _apply_moves(
    model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Return], verb: str, move: Any
) -> None:
    """Run one move on each selected return: those that cannot move are named and left as they were."""
    done, repeated, refused = 0, [], []
    actor = services.Actor(request.user.get_username(), user_id=request.user.pk)
    movable = selectors.brand_ids_where_staff_move_returns(user=request.user)
    for return_id, rma, brand_id in queryset.values_list("id", "rma", "brand_id")[:500]:
        if movable is not None and brand_id not in movable:
            refused.append(gettext("%(rma)s: your role may not move this brand's returns.") % {"rma": rma})
            continue
        try:
            move(return_id=return_id, actor=actor, brand_id=brand_id)
            done += 1
        except services.AlreadyDone as exc:
            repeated.append(str(exc))
        except (services.IllegalTransition, ValidationError) as exc:
            why = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append(why if why.startswith(rma) else f"{rma}: {why}")
    if done:
        model_admin.message_user(
            request,
            ngettext("%(count)s return %(verb)s.", "%(count)s returns %(verb)s.", done)
            % {"count": done, "verb": verb},
            messages.SUCCESS,
        )
    if repeated:
        model_admin.message_user(
            request, gettext("Nothing to do — ") + " ".join(repeated[:10]), messages.INFO
        )
    if refused:
        model_admin.message_user(
            request, gettext("Not changed — ") + " ".join(refused[:10]), messages.WARNING
        )


MOVE_LABELS: dict[str, Any] = {
    ReturnStatus.APPROVED: _("Approve"),
    ReturnStatus.REJECTED: _("Reject…"),
    ReturnStatus.RECEIVED: _("Mark received"),
    ReturnStatus.INSPECTED: _("Inspect items…"),
}
# The URL word of each move on a return's own page.
MOVE_SLUGS: dict[str, str] = {
    "approve": ReturnStatus.APPROVED,
    "reject": ReturnStatus.REJECTED,
    "receive": ReturnStatus.RECEIVED,
    **{resolution: status for resolution, status in RESOLVED_STATUS.items()},
}


@admin.register(Return)
class ReturnAdmin(LargeListMixin, BrandScopedHistoryAdmin, BrandScopedAdmin):
    list_display = (
        "rma",
        "order",
        "brand",
        "status",
        "resolution",
        "reason",
        "amount_owed",
        "requested_at",
    )
    list_filter = (
        "status",
        "reason",
        CategoryFilter,
        ProductFilter,
        BrandFaultFilter,
        "resolution",
        "brand",
        "requested_at",
    )
    # Search: the RMA number, the order number or the shopper's email; each exact.
    indexed_search = (
        exact_search("rma"),
        exact_search("order__number", brand_path="order__brand_id"),
        email_search("order__customer"),
    )
    list_select_related = ("order", "brand", "reason")

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_owed(self, ret: Return) -> str:
        return f"{ret.amount} {ret.currency}"  # one column, not two: the list fits a 1280 px screen

    inlines = (ReturnLineInline, ReturnPhotoInline, ReturnNoteInline, ReturnEventInline)
    readonly_fields = (
        "rma",
        "brand",
        "order",
        "status",
        "resolution",
        "reason",
        "comment",
        "keep_item",
        "currency",
        "items_value",
        "shipping_fee",
        "restocking_fee",
        "bonus",
        "amount",
        "amount_issued",
        "inspected_items_value",
        "inspected_restocking_fee",
        "inspected_bonus",
        "inspected_amount",
        "rejection_reason",
        "delivered_at",
        "return_shipment",
        "requested_at",
        "approved_at",
        "received_at",
        "inspected_at",
        "resolved_at",
        "order_history",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "rma",
                    "brand",
                    "order",
                    "status",
                    "resolution",
                    "reason",
                    "comment",
                    "keep_item",
                    "rejection_reason",
                )
            },
        ),
        (
            _("Money (recorded; the store moves it)"),
            {
                "fields": (
                    "currency",
                    "items_value",
                    "shipping_fee",
                    "restocking_fee",
                    "bonus",
                    "amount",
                    "amount_issued",
                )
            },
        ),
        (
            _("After inspection"),
            {
                "fields": (
                    "inspected_items_value",
                    "inspected_restocking_fee",
                    "inspected_bonus",
                    "inspected_amount",
                )
            },
        ),
        (
            _("Timeline"),
            {
                "fields": (
                    "delivered_at",
                    "return_shipment",
                    "requested_at",
                    "approved_at",
                    "received_at",
                    "inspected_at",
                    "resolved_at",
                )
            },
        ),
        (_("The order's history"), {"fields": ("order_history",)}),
    )
    actions = ("approve", "reject", "mark_received", "resolve")
    change_list_template = "admin/returns/return/change_list.html"
    change_form_outer_before_template = "admin/returns/return/move_bar.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # returns come from shoppers, the API or the store

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("order history"))
    def order_history(self, ret: Return) -> str:
        shipments = ret.order.shipments.order_by("created_at").values_list(
            "direction", "carrier_code", "tracking_number", "status", "delivered_at"
        )
        others = ret.order.returns.exclude(id=ret.id).values_list(  # type: ignore[attr-defined]
            "rma", "status", "requested_at"
        )
        rows = [
            (
                gettext("%(direction)s parcel %(carrier)s %(number)s")
                % {"direction": direction, "carrier": carrier, "number": number},
                status,
                delivered or "",
            )
            for direction, carrier, number, status, delivered in shipments
        ] + [
            (gettext("return %(rma)s") % {"rma": rma}, status, requested) for rma, status, requested in others
        ]
        placed = gettext("order placed (%(total)s %(currency)s)") % {
            "total": ret.order.total,
            "currency": ret.order.currency,
        }
        rows.insert(0, (placed, "", ret.order.placed_at))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} — {} {}</li>", rows))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not ReturnNote:
            return super().save_formset(request, form, formset, change)
        # Notes go through the service; the formset still reports what it added for the admin log.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for note_form in formset.forms:
            body = (note_form.cleaned_data or {}).get("body", "") if note_form.has_changed() else ""
            if body and not note_form.instance.pk:
                formset.new_objects.append(
                    services.note_add(return_id=form.instance.id, author_id=request.user.pk, body=body)
                )
        return None

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        _apply_moves(
            self,
            request,
            queryset,
            gettext("approved"),
            lambda **kw: services.return_staff_move(to_status=ReturnStatus.APPROVED, **kw),
        )

    @admin.action(description=_("Reject (one reason for all)"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Return]) -> HttpResponse | None:
        form = RejectionForm(request.POST if "apply" in request.POST else None, locales=_LOCALES)
        if form.is_valid():
            reason, translations = form.cleaned_data["reason"], form.translations()
            _apply_moves(
                self,
                request,
                queryset,
                gettext("rejected"),
                lambda **kw: services.return_reject(reason=reason, translations=translations, **kw),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Reject the selected returns"),
            "opts": self.model._meta,
            "form": form,
            "returns": [
                (return_id, rma, ReturnStatus(status).label)
                for return_id, rma, status in queryset.values_list("id", "rma", "status")[:500]
            ],
        }
        return TemplateResponse(request, "admin/returns/return/reject_selected.html", context)

    @admin.action(description=_("Mark received"), permissions=["change"])
    def mark_received(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        _apply_moves(
            self,
            request,
            queryset,
            gettext("marked received"),
            lambda **kw: services.return_staff_move(to_status=ReturnStatus.RECEIVED, **kw),
        )

    @admin.action(
        description=_("Refund / credit / exchange as the shopper chose, for the amount due"),
        permissions=["change"],
    )
    def resolve(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        resolutions = dict(queryset.values_list("id", "resolution")[:500])
        _apply_moves(
            self,
            request,
            queryset,
            gettext("resolved"),
            lambda return_id, **kw: services.return_settle(
                return_id=return_id, resolution=resolutions[return_id], **kw
            ),
        )

    # ---- the return's own page: a bar of the moves allowed from its status -----------------------

    def _movable(self, request: HttpRequest, ret: Return) -> bool:
        brand_ids = selectors.brand_ids_where_staff_move_returns(user=request.user)
        return brand_ids is None or ret.brand_id in brand_ids

    def _scoped_return(self, request: HttpRequest, return_id: int) -> Return:
        ret = self.get_queryset(request).filter(id=return_id).first()
        if ret is None:
            raise Http404
        return ret

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        ret = self.get_queryset(request).filter(pk=object_id).first() if is_plain_number(object_id) else None
        if ret is not None:
            extra_context = {**(extra_context or {}), **self._move_bar(request, ret)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _move_bar(self, request: HttpRequest, ret: Return) -> dict[str, Any]:
        movable = self._movable(request, ret)
        moves = staff_moves(status=ret.status, keep_item=ret.keep_item) if movable else []
        amounts = services.resolution_amounts(ret) if set(moves) & set(RESOLVED_STATUSES) else {}
        resolutions = [
            {
                "resolution": resolution,
                "label": Resolution(resolution).label,
                "amount": amounts[resolution],
                "chosen": resolution == ret.resolution,
                "url": reverse("admin:returns_return_move", args=[ret.id, resolution]),
            }
            for resolution in sorted(amounts, key=lambda r: r != ret.resolution)
        ]
        return {
            "move_bar": {
                "ret": ret,
                "movable": movable,
                "steps": [
                    {
                        "status": move,
                        "label": MOVE_LABELS[move],
                        "url": reverse("admin:returns_return_inspect", args=[ret.id])
                        if move == ReturnStatus.INSPECTED
                        else reverse(
                            "admin:returns_return_move",
                            args=[ret.id, {v: k for k, v in MOVE_SLUGS.items()}[move]],
                        ),
                    }
                    for move in moves
                    if move in MOVE_LABELS
                ],
                "resolutions": resolutions,
                # Translations offered for the languages the brand's shoppers read.
                "reject_form": RejectionForm(locales=ret.brand.enabled_locales or _LOCALES),
                "amount_due": ret.amount_issued if ret.amount_issued is not None else ret.amount_due,
            }
        }

    def move_view(self, request: HttpRequest, return_id: int, move: str) -> HttpResponseBase:
        """POST only: one move from the return's page, through the services; back to the page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        ret = self._scoped_return(request, return_id)
        if move not in MOVE_SLUGS:
            raise Http404
        if not self._movable(request, ret):
            raise PermissionDenied
        actor = services.Actor(request.user.get_username(), user_id=request.user.pk)
        page = reverse("admin:returns_return_change", args=[ret.id])
        to_status = MOVE_SLUGS[move]
        try:
            if move == "reject":
                form = RejectionForm(request.POST, locales=_LOCALES)
                if not form.is_valid():
                    self.message_user(
                        request, gettext("Write the reason the shopper will read."), messages.ERROR
                    )
                    return HttpResponseRedirect(page)
                services.return_reject(
                    return_id=ret.id,
                    reason=form.cleaned_data["reason"],
                    translations=form.translations(),
                    actor=actor,
                    brand_id=ret.brand_id,
                )
            elif move in RESOLVED_STATUS:
                if request.POST.get("confirm") != "yes":
                    self.message_user(request, gettext("Confirm the amount first."), messages.ERROR)
                    return HttpResponseRedirect(page)
                services.return_settle(return_id=ret.id, resolution=move, actor=actor, brand_id=ret.brand_id)
            else:
                services.return_staff_move(
                    return_id=ret.id, to_status=to_status, actor=actor, brand_id=ret.brand_id
                )
        except services.AlreadyDone as exc:
            self.message_user(request, gettext("Nothing to do — %(why)s") % {"why": exc}, messages.INFO)
            return HttpResponseRedirect(page)
        except (services.IllegalTransition, ValidationError) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, gettext("Not changed — %(why)s") % {"why": text}, messages.WARNING)
            return HttpResponseRedirect(page)
        ret.refresh_from_db()
        self.message_user(
            request,
            gettext("%(rma)s: %(status)s. The shopper was told.")
            % {"rma": ret.rma, "status": ret.get_status_display()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(page)

    def inspect_view(self, request: HttpRequest, return_id: int) -> HttpResponseBase:
        """Per item: condition, how many are accepted and what they are worth; the totals follow."""
        ret = self._scoped_return(request, return_id)
        if not self._movable(request, ret):
            raise PermissionDenied
        lines = list(ret.lines.select_related("order_line"))
        data = request.POST if request.method == "POST" else None
        forms = [InspectionLineForm(data, line=line) for line in lines]
        error = ""
        if data is not None and all(form.is_valid() for form in forms):
            try:
                services.return_inspect(
                    return_id=ret.id,
                    inspections=[form.inspection() for form in forms],
                    actor=services.Actor(request.user.get_username(), user_id=request.user.pk),
                    brand_id=ret.brand_id,
                )
            except services.AlreadyDone as exc:
                self.message_user(request, gettext("Nothing to do — %(why)s") % {"why": exc}, messages.INFO)
                return HttpResponseRedirect(reverse("admin:returns_return_change", args=[ret.id]))
            except (services.IllegalTransition, ValidationError) as exc:
                error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            else:
                ret.refresh_from_db()
                self.message_user(
                    request,
                    gettext("%(rma)s inspected: %(amount)s due.")
                    % {"rma": ret.rma, "amount": presentation.money(ret.amount_due, ret.currency)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:returns_return_change", args=[ret.id]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Inspect %(rma)s") % {"rma": ret.rma},
            "opts": self.model._meta,
            "original": ret,
            "ret": ret,
            "forms": forms,
            "error": error,
            "may_inspect": ReturnStatus.INSPECTED in staff_moves(status=ret.status, keep_item=ret.keep_item),
        }
        return TemplateResponse(request, "admin/returns/return/inspect.html", context)

    def get_urls(self) -> list[Any]:
        own = [
            path("insights/", self.admin_site.admin_view(self.insights_view), name="returns_return_insights"),
            path(
                "<int:return_id>/move/<slug:move>/",
                self.admin_site.admin_view(self.move_view),
                name="returns_return_move",
            ),
            path(
                "<int:return_id>/inspect/",
                self.admin_site.admin_view(self.inspect_view),
                name="returns_return_inspect",
            ),
            path(
                "<int:return_id>/photo/<int:photo_id>/",
                self.admin_site.admin_view(self.photo_view),
                name="returns_return_photo",
            ),
        ]
        return own + super().get_urls()

    def photo_view(self, request: HttpRequest, return_id: int, photo_id: int) -> HttpResponseBase:
        if not self.has_view_permission(request):
            raise PermissionDenied
        photo = ReturnPhoto.objects.filter(
            id=photo_id, return_request__in=self.get_queryset(request).filter(id=return_id)
        ).first()
        if photo is None:
            raise Http404
        response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def insights_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        start = parse_date(request.GET.get("start", "") or "") or today - timedelta(days=90)
        end = parse_date(request.GET.get("end", "") or "") or today
        zone = timezone.get_current_timezone()
        figures = insights.returns_insights(
            brand_ids=brand_ids_for_user(user=request.user),
            start=datetime.combine(start, time.min, tzinfo=zone),
            end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(insights.insights_csv(figures), content_type="text/csv; charset=utf-8")
            response.headers["Content-Disposition"] = f'attachment; filename="returns-{start}-{end}.csv"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Return insights"),
            "figures": figures,
            "start": start,
            "end": end,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/returns/insights.html", context)


@admin.register(IncomingReturn)
class IncomingReturnAdmin(BrandScopedAdmin):
    """What the warehouse should expect: approved returns not yet received, soonest first."""

    list_display = ("rma", "order", "brand", "status", "expected", "tracking", "items", "reason")
    list_filter = ("status", "brand")
    search_fields = ("rma", "order__number", "return_shipment__tracking_number")
    list_select_related = ("order", "brand", "reason", "return_shipment")
    actions = ("mark_received",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(status__in=(ReturnStatus.APPROVED, ReturnStatus.IN_TRANSIT), keep_item=False)
            .prefetch_related("lines__order_line")
            .order_by("return_shipment__estimated_delivery", "approved_at")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("expected"))
    def expected(self, ret: Return) -> Any:
        shipment = ret.return_shipment
        if shipment is None:
            return gettext("not shipped yet")
        return shipment.estimated_delivery or shipment.get_status_display()

    @admin.display(description=_("tracking"))
    def tracking(self, ret: Return) -> str:
        return (
            f"{ret.return_shipment.carrier_code} {ret.return_shipment.tracking_number}"
            if ret.return_shipment
            else "—"
        )

    @admin.display(description=_("items"))
    def items(self, ret: Return) -> str:
        return ", ".join(f"{line.quantity} × {line.order_line.title}" for line in ret.lines.all())

    @admin.action(description=_("Mark received"), permissions=["view"])
    def mark_received(self, request: HttpRequest, queryset: QuerySet[Return]) -> None:
        if not request.user.has_perm("returns.change_return"):
            raise PermissionDenied
        _apply(
            self,
            request,
            queryset,
            gettext("marked received"),
            lambda **kw: services.return_transition(to_status=ReturnStatus.RECEIVED, **kw),
        )


@admin.register(ReturnRule)
class ReturnRuleAdmin(BrandDataFormAdmin, BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = ReturnRuleForm
    list_display = (
        "brand",
        "category",
        "product",
        "window_days",
        "final_sale",
        "allow_refund",
        "allow_store_credit",
        "allow_exchange",
        "return_shipping_fee",
        "restocking_fee_percent",
        "keep_it_threshold",
    )
    list_filter = ("brand", "final_sale")
    list_select_related = ("brand", "product")
    raw_id_fields = ("product",)


@admin.register(ReturnReason)
class ReturnReasonAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = ReturnReasonForm
    list_display = ("label", "code", "brand", "brand_fault", "requires_photo", "position", "active")
    list_filter = ("brand", "brand_fault", "requires_photo", "active")
    list_editable = ("position", "active")
    list_select_related = ("brand",)


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = settings_form(ReturnPolicy)
    list_display = (
        "brand",
        "auto_approve",
        "credit_bonus_percent",
        "return_method",
        "processing_days",
        "currency",
    )
    list_select_related = ("brand",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(BrandScopedAdmin):
    list_display = ("url", "brand", "active", "created_at")
    list_filter = ("brand", "active")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(BrandScopedAdmin):
    list_display = (
        "event_type",
        "return_request",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
    )
    list_filter = ("state", "event_type")
    readonly_fields = (
        "endpoint",
        "return_request",
        "event_id",
        "event_type",
        "payload",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "claimed_at",
        "delivered_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
