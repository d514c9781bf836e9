from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.html import format_html
from django.utils.translation import gettext as _

from brands.admin_history import BrandScopedHistoryAdmin
from brands.admin_scope import BrandScopedAdmin
from common.admin_lists import LargeListMixin, exact_search
from notifications import messages as rendering
from notifications import selectors, services, template_pages
from notifications.editor import Draft
from notifications.forms import NotificationSettingsForm
from notifications.models import Channel, MessageTemplate, Notification, NotificationSettings
from notifications.segments import sms_length
from notifications.triggers import TRIGGERS

PREVIEW_CONTEXT: dict[str, object] = {
    "brand_name": "Casa Verde",
    "first_name": "Ioana",
    "order_number": "1007",
    "carrier": "DPD",
    "tracking_number": "DEMO0001",
    "tracking_url": "http://127.0.0.1:8000/casa-verde/track/preview/",
    "eta": "2026-11-26",
    "support_email": "ajutor@casaverde.example",
    "support_phone": "+40212345678",
    "promo_code": "THANKS10",
}


def preview_context(brand_id: int) -> dict[str, object]:
    """The context of this brand's latest shipped order, so the preview shows a real message."""
    from orders.models import Order
    from tracking import selectors as tracking_selectors

    order = (
        Order.objects.filter(brand_id=brand_id, shipments__isnull=False)
        .select_related("brand", "customer")
        .first()
    )
    if order is None:
        return dict(PREVIEW_CONTEXT)
    shipment_id = order.shipments.values_list("id", flat=True).first()
    facts = tracking_selectors.shipment_message_facts(shipment_id=shipment_id) if shipment_id else {}
    return {
        **PREVIEW_CONTEXT,
        **services.message_context(brand=order.brand, customer=order.customer, extra=facts),
        "promo_code": services.brand_settings(brand_id=brand_id).promo_code or PREVIEW_CONTEXT["promo_code"],
    }


def _trigger_sample(trigger: str) -> dict[str, str]:
    found = TRIGGERS.get(trigger)
    return dict(found.sample) if found else {}


class MessageTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    trigger = forms.ChoiceField(choices=[])

    class Meta:
        model = MessageTemplate
        fields = ("brand", "trigger", "channel", "locale", "subject", "body")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trigger"].choices = [  # type: ignore[attr-defined]
            (name, trigger.label) for name, trigger in sorted(TRIGGERS.items())
        ]

    def clean(self) -> dict[str, Any]:
        """The same check as the console's editor: syntax, known variables, the brand's segment limit."""
        cleaned = super().clean() or {}
        brand, trigger = cleaned.get("brand"), cleaned.get("trigger", "")
        channel, locale = cleaned.get("channel", ""), cleaned.get("locale", "")
        if brand is None or not selectors.template_key_valid(trigger=trigger, channel=channel, locale=locale):
            raise forms.ValidationError(_("This message is not sent on that channel."))
        draft = Draft(trigger, channel, locale, cleaned.get("subject", ""), cleaned.get("body", ""))
        check = selectors.template_draft_check(brand=brand, draft=draft)
        if check.errors:
            raise forms.ValidationError(list(check.errors))
        return cleaned


@admin.register(MessageTemplate)
class MessageTemplateAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    """The raw rows; merchants edit them in the console's message editor (notifications/template_pages.py)."""

    form = MessageTemplateForm
    list_display = ("brand", "trigger", "channel", "locale", "updated_at")
    list_filter = ("brand", "trigger", "channel", "locale")
    readonly_fields = ("preview",)
    list_select_related = ("brand",)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        base = "texts/<int:brand_id>/<str:trigger>/<str:channel>/<str:locale>/"
        return [
            path("texts/", wrap(template_pages.template_brands), name="notifications_messagetemplate_brands"),
            path(
                "texts/<int:brand_id>/",
                wrap(template_pages.template_list),
                name="notifications_messagetemplate_texts",
            ),
            path(base, wrap(template_pages.template_edit), name="notifications_messagetemplate_edit"),
            path(
                f"{base}preview/",
                wrap(template_pages.template_preview),
                name="notifications_messagetemplate_preview",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Preview with a demo order")
    def preview(self, obj: MessageTemplate) -> str:
        if not obj.pk:
            return "Save to see a preview."
        try:
            rendered = rendering.render(
                subject=obj.subject,
                body=obj.body,
                context={**_trigger_sample(obj.trigger), **preview_context(obj.brand_id)},
            )
        except rendering.TemplateInvalid as exc:
            return f"Cannot render: {exc}"
        length = sms_length(rendered.body)
        limit = services.brand_settings(brand_id=obj.brand_id).sms_max_segments
        warning = (
            " — above this brand's maximum!" if obj.channel == Channel.SMS and length.segments > limit else ""
        )
        return format_html(
            "<strong>{}</strong><pre style='white-space:pre-wrap'>{}</pre><p>{} · {} units · {} segment(s){}</p>",
            rendered.subject,
            rendered.body,
            length.encoding,
            length.units,
            length.segments,
            warning,
        )


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(BrandScopedHistoryAdmin, BrandScopedAdmin):
    form = NotificationSettingsForm
    list_display = ("brand", "quiet_hours_start", "quiet_hours_end", "sms_max_segments")
    list_select_related = ("brand",)


@admin.register(Notification)
class NotificationAdmin(LargeListMixin, BrandScopedAdmin):
    list_display = (
        "created_at",
        "brand",
        "trigger",
        "channel",
        "to",
        "state",
        "error_code",
    )
    list_filter = ("state", "channel", "trigger", "brand", "is_test", "created_at")
    # Search: the recipient (phone or email, as written) or the provider's message id; each exact.
    indexed_search = (exact_search("to"), exact_search("provider_id"))
    list_select_related = ("brand",)
    readonly_fields = tuple(field.name for field in Notification._meta.fields)
    actions = ("resend",)
    change_list_template = "admin/notifications/notification/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send again", permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        ids = [
            services.notification_resend(notification_id=nid)
            for nid in queryset.values_list("id", flat=True)[:100]
        ]
        self.message_user(request, f"{len(ids)} message(s) queued again.", messages.SUCCESS)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        figures = (
            self.get_queryset(request)
            .filter(is_test=False)  # staff's template tests are not shopper messages
            .values("trigger", "channel", "state")
            .annotate(count=Count("id"))
            .order_by("trigger", "channel", "state")
        )
        return super().changelist_view(request, {**(extra_context or {}), "figures": list(figures)})
