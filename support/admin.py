"""Support staff in the admin: one queue of cases per brand, the thread and the order in view,
answering through the notifications outbox, canned answers, and the help centre's answers."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.decorators import action

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin
from brands.selectors import brand_ids_for_user
from common.admin_lists import LargeListMixin
from common.brand_time import brand_date, brand_datetime
from common.numbers import is_plain_number
from notifications.models import Notification
from support import admin_pages, attention, selectors, services
from support.models import CannedAnswer, Case, CaseStatus, FaqArticle, FaqCategory, StaffDigestPreference


class CaseForm(forms.ModelForm):  # type: ignore[type-arg]
    canned = forms.ModelChoiceField(
        queryset=CannedAnswer.objects.none(),
        required=False,
        label="Canned answer",
        help_text="Fills the reply (or is sent as the reply when the reply is left empty).",
    )
    reply = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        required=False,
        max_length=services.MAX_MESSAGE_LENGTH,
        help_text="Sent to the shopper by email, and by SMS when they opted in. Kept in the thread.",
    )
    reply_by_sms = forms.BooleanField(required=False, initial=True, label="Also by SMS (if opted in)")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        required=False,
        max_length=services.MAX_MESSAGE_LENGTH,
        help_text="Internal: only your team sees it.",
    )

    class Meta:
        model = Case
        fields = ("status", "priority", "assignee")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = self.instance
        if case.pk and "assignee" in self.fields:  # view-only staff get no editable fields
            canned = CannedAnswer.objects.filter(brand_id=case.brand_id).order_by("locale", "title")
            self.fields["canned"].queryset = canned  # type: ignore[attr-defined]
            self.fields["assignee"].queryset = (  # type: ignore[attr-defined]
                get_user_model()
                .objects.filter(memberships__brand_id=case.brand_id, is_active=True)
                .distinct()
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status")
        case = self.instance
        if case.pk and status and not services.status_move_allowed(current=case.status, target=status):
            self.add_error("status", f"A case cannot move from {case.get_status_display()} to {status}.")
        return cleaned


@admin.register(Case)
class CaseAdmin(LargeListMixin, BrandScopedAdmin):
    form = CaseForm
    change_form_template = "admin/support/case/change_form.html"
    list_display = (
        "reference",
        "subject",
        "kind",
        "topic",
        "status",
        "priority",
        "assignee",
        "order_number",
        "waiting",
    )
    list_filter = ("status", "kind", "priority", "topic", "brand")
    list_select_related = ("order", "assignee", "brand")
    search_fields = ("subject", "email", "name", "order__number", "messages__body")
    ordering = ("-priority", "created_at")
    readonly_fields = (
        "brand",
        "kind",
        "topic",
        "shopper",
        "order_in_view",
        "shipments_in_view",
        "messages_sent",
        "thread",
        "created_at",
        "email_confirmed_at",
    )
    actions = ("mark_solved", "make_faq")
    actions_submit_line = ("answer_and_draft_faq",)
    fieldsets = (
        (None, {"fields": ("brand", "kind", "topic", "created_at", "shopper", "email_confirmed_at")}),
        ("Answer", {"fields": ("canned", "reply", "reply_by_sms", "note")}),
        ("Workflow", {"fields": ("status", "priority", "assignee")}),
        ("Thread", {"fields": ("thread",)}),
        ("Order", {"fields": ("order_in_view", "shipments_in_view", "messages_sent")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        return super().get_queryset(request).select_related("brand", "order", "customer", "shipment")

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        case = self.get_queryset(request).filter(pk=object_id).first() if is_plain_number(object_id) else None
        canned = (
            {str(answer.id): answer.body for answer in CannedAnswer.objects.filter(brand_id=case.brand_id)}
            if case
            else {}
        )
        return super().change_view(
            request, object_id, form_url, {**(extra_context or {}), "canned_bodies": canned}
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # cases come from shoppers: the help centre, the tracking page, feedback

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.display(description="Case", ordering="id")
    def reference(self, case: Case) -> str:
        return case.reference

    @admin.display(description="Order", ordering="order__number")
    def order_number(self, case: Case) -> str:
        return f"#{case.order.number}" if case.order else "—"

    @admin.display(description="Waiting", ordering="last_shopper_message_at")
    def waiting(self, case: Case) -> str:
        if case.status in (CaseStatus.SOLVED, CaseStatus.CLOSED) or case.last_shopper_message_at is None:
            return "—"
        return timesince(case.last_shopper_message_at, timezone.now())

    @admin.display(description="Shopper")
    def shopper(self, case: Case) -> str:
        customer = case.customer
        phone = customer.phone if customer else ""
        sms = " · SMS on" if customer and customer.sms_consent else ""
        return format_html(
            "{} &lt;{}&gt; {} · language {}{}",
            case.name or (customer.first_name if customer else ""),
            case.email,
            phone,
            case.locale,
            sms,
        )

    @admin.display(description="Order in view")
    def order_in_view(self, case: Case) -> str:
        order = case.order
        if order is None:
            return "No order attached."
        lines = format_html_join(
            "", "<li>{} × {}</li>", ((line.quantity, line.title) for line in order.lines.all())
        )
        return format_html(
            '<p><a href="{}">Order #{}</a> · placed {} · {} {}</p><ul>{}</ul>',
            reverse("admin:orders_order_change", args=(order.id,)),
            order.number,
            brand_date(order.placed_at, case.brand.timezone),
            order.total,
            order.currency,
            lines,
        )

    @admin.display(description="Shipments")
    def shipments_in_view(self, case: Case) -> str:
        if case.order is None:
            return "—"
        rows = [
            (
                "★ " if case.shipment_id == shipment.id else "",
                shipment.carrier_name or shipment.carrier_code,
                shipment.tracking_number,
                shipment.get_status_display(),
                brand_datetime(shipment.delivered_at, case.brand.timezone) if shipment.delivered_at else "",
            )
            for shipment in case.order.shipments.all()
        ]
        if not rows:
            return "Not shipped yet."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}{} {} — {} {}</li>", rows))

    @admin.display(description="Messages sent")
    def messages_sent(self, case: Case) -> str:
        if case.customer_id is None:
            return "—"
        sent = Notification.objects.filter(customer_id=case.customer_id).order_by("-created_at")[:20]
        rows = [
            (
                brand_datetime(note.created_at, case.brand.timezone),
                note.trigger,
                note.channel,
                note.state,
                note.subject or note.body[:80],
            )
            for note in sent
        ]
        if not rows:
            return "None."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} · {} — {}</li>", rows))

    @admin.display(description="Thread")
    def thread(self, case: Case) -> str:
        rows = [
            (
                message.author,
                message.get_author_display(),
                message.staff.get_username() if message.staff else "",
                brand_datetime(message.created_at, case.brand.timezone),
                f" · sent by {message.sent_by}" if message.sent_by else "",
                message.body,
            )
            for message in selectors.case_thread(case_id=case.id)
        ]
        return format_html(
            '<ol class="case-thread">{}</ol>',
            format_html_join(
                "",
                '<li class="case-thread__{}"><strong>{}</strong> {} · {}{}<div style="white-space:pre-wrap">{}</div></li>',
                rows,
            ),
        )

    def save_model(self, request: HttpRequest, obj: Case, form: Any, change: bool) -> None:
        # Every change goes through the services: the thread records it and replies go out once.
        data = form.cleaned_data
        staff_id = int(request.user.pk or 0)
        original = Case.objects.get(pk=obj.pk)
        if data.get("priority") != original.priority or data.get("assignee") != original.assignee:
            services.case_assign(
                case_id=obj.pk,
                priority=data["priority"],
                assignee_id=data["assignee"].pk if data.get("assignee") else None,
            )
        if data.get("note"):
            services.case_note_add(case_id=obj.pk, staff_id=staff_id, body=data["note"])
        reply = data.get("reply") or (data["canned"].body if data.get("canned") else "")
        status = data["status"]
        try:
            if reply:
                target = status if status != original.status else CaseStatus.WAITING
                services.case_reply(
                    case_id=obj.pk,
                    staff_id=staff_id,
                    body=reply,
                    by_sms=data.get("reply_by_sms", False),
                    status=target,
                )
                messages.success(request, "Your answer is on its way to the shopper.")
            elif status != original.status:
                services.case_status_set(case_id=obj.pk, status=status, staff_id=staff_id)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            obj.refresh_from_db()
            return
        obj.refresh_from_db()
        attention.badges_forget(user_id=staff_id)
        # unfold runs submit-line buttons from its own save_model, which this one replaces.
        for submit_action in self.get_actions_submit_line(request, obj.pk):
            if submit_action.action_name in request.POST:
                submit_action.method(request, obj)

    @action(description=_("Send and publish as FAQ"), permissions=["faq_draft"])
    def answer_and_draft_faq(self, request: HttpRequest, obj: Case) -> None:
        """The answer just sent (or the latest one) becomes an FAQ draft opened in four languages."""
        try:
            draft = services.faq_from_case(case_id=obj.pk)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return
        request.faq_draft_id = draft.id  # type: ignore[attr-defined]

    def has_faq_draft_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return bool(
            self.has_change_permission(request)
            and request.user.has_perm("support.add_faqarticle")
            and request.user.has_perm("support.change_faqarticle")
        )

    def response_change(self, request: HttpRequest, obj: Case) -> HttpResponse:
        draft_id = getattr(request, "faq_draft_id", None)
        if draft_id is not None:
            messages.info(
                request, _("Draft created without the shopper's details: check it, add languages, publish.")
            )
            return HttpResponseRedirect(reverse("admin:support_faqarticle_languages", args=(draft_id,)))
        return super().response_change(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        return None  # nothing related is edited here

    @admin.action(description="Mark solved", permissions=["change"])
    def mark_solved(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        done = 0
        # Ids only: the changelist's select_related cannot be combined with deferred fields.
        for case_id in queryset.values_list("id", flat=True)[:500]:
            try:
                services.case_status_set(case_id=case_id, status=CaseStatus.SOLVED, staff_id=request.user.pk)
                done += 1
            except ValidationError:
                continue
        self.message_user(request, f"{done} case(s) solved.")

    @admin.action(description="Turn the latest answer into an FAQ draft", permissions=["faq_draft"])
    def make_faq(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse | None:
        drafts = []
        for case in queryset[:20]:
            try:
                drafts.append(services.faq_from_case(case_id=case.id))
            except ValidationError as error:
                self.message_user(request, f"{case.reference}: {'; '.join(error.messages)}", messages.WARNING)
        if len(drafts) == 1:
            self.message_user(request, "Draft created: check the wording, then publish it.")
            return HttpResponseRedirect(reverse("admin:support_faqarticle_languages", args=(drafts[0].id,)))
        if drafts:
            self.message_user(request, f"{len(drafts)} drafts created (unpublished).")
        return None


class FaqArticleForm(forms.ModelForm):  # type: ignore[type-arg]
    statuses = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        help_text="Show this answer on the tracking page in these situations.",
    )

    class Meta:
        model = FaqArticle
        fields = ("brand", "category", "locale", "title", "slug", "body", "position", "published", "statuses")
        widgets = {"body": admin_pages.AnswerEditor()}  # noqa: RUF012 -- Django's ModelForm API

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tracking.statuses import ShipmentStatus

        super().__init__(*args, **kwargs)
        self.fields["statuses"].choices = [  # type: ignore[attr-defined]
            ("late", "Late (past the expected date)"),
            ("stuck", "Stuck (no scan for days)"),
            *ShipmentStatus.choices,
        ]
        self.fields["slug"].required = False
        self.fields["body"].validators.append(MaxLengthValidator(services.MAX_ARTICLE_LENGTH))
        self.fields["body"].help_text = _("Formatted with the toolbar; scripts and styles are removed.")


@admin.register(FaqArticle)
class FaqArticleAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = FaqArticleForm
    change_list_template = "admin/support/faqarticle/change_list.html"
    list_display = (
        "title",
        "locale",
        "category",
        "published",
        "position",
        "views",
        "helpful_yes",
        "helpful_no",
    )
    list_filter = ("published", "locale", "category", "brand")
    list_editable = ("position",)
    list_select_related = ("category",)
    search_fields = ("title", "body")
    readonly_fields = ("views", "helpful_yes", "helpful_no", "from_case")
    actions_detail = ("edit_languages",)

    @action(description=_("Edit in four languages"), url_path="languages-link", permissions=["change"])
    def edit_languages(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:support_faqarticle_languages", args=(object_id,)))

    def get_urls(self) -> list[URLPattern]:
        languages = path(
            "<path:object_id>/languages/",
            self.admin_site.admin_view(
                lambda request, object_id: admin_pages.article_languages_view(self, request, object_id)
            ),
            name="support_faqarticle_languages",
        )
        return [languages, *super().get_urls()]

    def save_model(self, request: HttpRequest, obj: FaqArticle, form: Any, change: bool) -> None:
        try:
            services.faq_article_save(article=obj)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> TemplateResponse:
        figures = selectors.help_figures(brand_ids=_brand_ids(request))
        return super().changelist_view(request, {**(extra_context or {}), "help_figures": figures})  # type: ignore[return-value]


def _brand_ids(request: HttpRequest) -> list[int] | None:
    ids = brand_ids_for_user(user=request.user)
    return None if ids is None else sorted(ids)


@admin.register(FaqCategory)
class FaqCategoryAdmin(BrandScopedAdmin):
    list_display = ("title", "locale", "slug", "position", "brand")
    list_filter = ("locale", "brand")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("title",)}  # noqa: RUF012 -- Django's admin API


@admin.register(CannedAnswer)
class CannedAnswerAdmin(BrandScopedAdmin):
    list_display = ("title", "locale", "brand")
    list_filter = ("locale", "brand")
    search_fields = ("title", "body")


@admin.register(StaffDigestPreference)
class StaffDigestPreferenceAdmin(UnfoldModelAdmin):  # type: ignore[type-arg]
    """Each staff member's own digest switch: the page is a form for the signed-in person, nobody else's."""

    def _is_staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own_settings = self.admin_site.admin_view(
            lambda request: admin_pages.digest_settings_view(self, request)
        )
        return [path("", own_settings, name="support_staffdigestpreference_changelist")]
