"""The console's template editor: every message of a brand, its default text, a live preview, a test.

Admin views (wrapped by `admin.site.admin_view` in MessageTemplateAdmin.get_urls): parse, check the
staff member's role in that brand, call one selector or service, shape the page.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited
from unfold.widgets import UnfoldAdminTextareaWidget, UnfoldAdminTextInputWidget

from brands.models import Brand
from brands.permissions import brand_ids_granting
from brands.selectors import brand_ids_for_user, brands_for_user
from common.locales import LOCALE_CHOICES
from notifications import messages as rendering
from notifications import selectors, services
from notifications.editor import BODY_MAX_LENGTH, Draft, DraftCheck
from notifications.models import Channel
from notifications.triggers import TRIGGERS
from notifications.variables import trigger_variables

# A test is a real email: a few a staff member may send, not a loop of them.
TEST_RATE = "5/10m"
LANGUAGE_NAMES = dict(LOCALE_CHOICES)


def role_allows(*, user: AbstractBaseUser | AnonymousUser, brand_id: int, codename: str) -> bool:
    """The staff member's role *in this brand* grants the permission (a role elsewhere does not)."""
    granting = brand_ids_granting(user, f"notifications.{codename}")
    return granting is None or brand_id in granting


def _brand_for(request: HttpRequest, brand_id: int, codename: str) -> Brand:
    """Another brand's id is a 404, as if it did not exist; a role without the permission a 403."""
    scope = brand_ids_for_user(user=request.user)
    if scope is not None and brand_id not in scope:
        raise Http404
    brand = get_object_or_404(Brand, id=brand_id)
    if not role_allows(user=request.user, brand_id=brand.id, codename=codename):
        raise PermissionDenied
    return brand


def _key(trigger: str, channel: str, locale: str) -> None:
    if not selectors.template_key_valid(trigger=trigger, channel=channel, locale=locale):
        raise Http404


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"), required=False, max_length=200, widget=UnfoldAdminTextInputWidget()
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        strip=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 8, "spellcheck": "true"}),
    )

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel == Channel.SMS:
            del self.fields["subject"]

    def draft(self, *, trigger: str, channel: str, locale: str) -> Draft:
        data = self.cleaned_data
        return Draft(trigger, channel, locale, data.get("subject", ""), data.get("body", ""))


def _context(request: HttpRequest, **values: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), **values}


def template_brands(request: HttpRequest) -> HttpResponse:
    """Straight to the brand's messages when the staff member has one brand; a choice otherwise."""
    brands = list(brands_for_user(user=request.user).order_by("name")[:200])
    if len(brands) == 1:
        return HttpResponseRedirect(reverse("admin:notifications_messagetemplate_texts", args=[brands[0].id]))
    return render(
        request,
        "admin/notifications/messagetemplate/brands.html",
        _context(request, title=_("Messages"), brands=brands),
    )


def template_list(request: HttpRequest, brand_id: int) -> HttpResponse:
    brand = _brand_for(request, brand_id, "view_messagetemplate")
    rows = selectors.template_overview(brand=brand)
    channel = request.GET.get("channel", "")
    locale = request.GET.get("locale", "")
    shown = [
        row
        for row in rows
        if (not channel or row.channel == channel) and (not locale or row.locale == locale)
    ]
    settings_row = selectors.template_settings(brand=brand)
    return render(
        request,
        "admin/notifications/messagetemplate/texts.html",
        _context(
            request,
            title=_("Messages of %(brand)s") % {"brand": brand.name},
            brand=brand,
            rows=shown,
            own_count=sum(1 for row in rows if row.own),
            over_count=sum(
                1 for row in rows if row.worst_segments and row.worst_segments > settings_row.max_segments
            ),
            max_segments=settings_row.max_segments,
            languages=[
                (code, LANGUAGE_NAMES.get(code, code)) for code in selectors.brand_languages(brand=brand)
            ],
            channel=channel,
            locale=locale,
        ),
    )


def _preview(brand: Brand, draft: Draft, check: DraftCheck | None) -> dict[str, Any]:
    """What the preview fragment shows; for email, the whole document as it will be sent."""
    document = ""
    if check is not None and draft.channel == Channel.EMAIL and not check.errors:
        document = rendering.email_document(
            brand=brand,
            subject=check.subject,
            html_body=check.html_body,
            tracking_url=str(check.sample.get("tracking_url", "")),
        )
    return {"check": check, "draft": draft, "email_document": document}


def _editor_page(
    request: HttpRequest, *, brand: Brand, form: TemplateForm, draft: Draft, has_own: bool, status: int = 200
) -> HttpResponse:
    check = selectors.template_draft_check(brand=brand, draft=draft)
    settings_row = selectors.template_settings(brand=brand)
    return render(
        request,
        "admin/notifications/messagetemplate/editor.html",
        _context(
            request,
            title=f"{TRIGGERS[draft.trigger].label} · {draft.channel.upper()} · "
            f"{LANGUAGE_NAMES.get(draft.locale, draft.locale)}",
            brand=brand,
            form=form,
            **_preview(brand, draft, check),
            has_own=has_own,
            may_change=role_allows(user=request.user, brand_id=brand.id, codename="change_messagetemplate"),
            variables=trigger_variables(trigger_name=draft.trigger, brand=settings_row.facts),
            preview_url=reverse(
                "admin:notifications_messagetemplate_preview",
                args=[brand.id, draft.trigger, draft.channel, draft.locale],
            ),
            list_url=reverse("admin:notifications_messagetemplate_texts", args=[brand.id]),
            staff_email=getattr(request.user, "email", ""),
        ),
        status=status,
    )


def template_edit(
    request: HttpRequest, brand_id: int, trigger: str, channel: str, locale: str
) -> HttpResponse:
    """GET: the text that goes out today (the product's default, prefilled, when the brand has none).

    POST with `action`: preview (writes nothing), save, test (an email to the staff member), reset.
    """
    brand = _brand_for(request, brand_id, "view_messagetemplate")
    _key(trigger, channel, locale)
    current, own = selectors.template_current(
        brand_id=brand.id, trigger=trigger, channel=channel, locale=locale
    )
    if request.method != "POST":
        form = TemplateForm(initial={"subject": current.subject, "body": current.body}, channel=channel)
        return _editor_page(request, brand=brand, form=form, draft=current, has_own=own is not None)
    action = request.POST.get("action", "preview")
    if action in ("save", "test", "reset") and not role_allows(
        user=request.user, brand_id=brand.id, codename="change_messagetemplate"
    ):
        raise PermissionDenied
    back = reverse("admin:notifications_messagetemplate_edit", args=[brand.id, trigger, channel, locale])
    if action == "reset":
        if services.message_template_reset(
            brand_id=brand.id, trigger=trigger, channel=channel, locale=locale
        ):
            messages.success(request, _("The product's default text goes out again."))
        return HttpResponseRedirect(back)
    form = TemplateForm(request.POST, channel=channel)
    if not form.is_valid():
        return _editor_page(
            request, brand=brand, form=form, draft=current, has_own=own is not None, status=400
        )
    draft = form.draft(trigger=trigger, channel=channel, locale=locale)
    if action == "save":
        try:
            with transaction.atomic():
                services.message_template_save(brand=brand, draft=draft)
        except services.DraftRefused as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return _editor_page(
                request, brand=brand, form=form, draft=draft, has_own=own is not None, status=400
            )
        messages.success(request, _("Saved: shoppers get this text from now on."))
        return HttpResponseRedirect(back)
    if action == "test":
        return _send_test(request, brand=brand, form=form, draft=draft, has_own=own is not None, back=back)
    return _editor_page(request, brand=brand, form=form, draft=draft, has_own=own is not None)


def _send_test(
    request: HttpRequest, *, brand: Brand, form: TemplateForm, draft: Draft, has_own: bool, back: str
) -> HttpResponse:
    email = getattr(request.user, "email", "")
    if not email:
        form.add_error(None, _("Your account has no email address to send the test to."))
        return _editor_page(request, brand=brand, form=form, draft=draft, has_own=has_own, status=400)
    if is_ratelimited(
        request,
        group="notifications.template-test",
        key=lambda group, req: f"user:{req.user.pk}",
        rate=TEST_RATE,
        method="POST",
        increment=True,
    ):
        form.add_error(None, _("You sent several tests just now; wait a few minutes before the next."))
        return _editor_page(request, brand=brand, form=form, draft=draft, has_own=has_own, status=429)
    try:
        with transaction.atomic():
            services.message_template_send_test(brand=brand, draft=draft, to_email=email)
    except services.DraftRefused as exc:
        for error in exc.errors:
            form.add_error(None, error)
        return _editor_page(request, brand=brand, form=form, draft=draft, has_own=has_own, status=400)
    messages.success(
        request, _("A test is on its way to %(email)s (sample values, not saved).") % {"email": email}
    )
    return _editor_page(request, brand=brand, form=form, draft=draft, has_own=has_own)


@require_POST
def template_preview(
    request: HttpRequest, brand_id: int, trigger: str, channel: str, locale: str
) -> HttpResponse:
    """The live preview's fragment for a draft; writes nothing."""
    brand = _brand_for(request, brand_id, "view_messagetemplate")
    _key(trigger, channel, locale)
    form = TemplateForm(request.POST, channel=channel)
    if not form.is_valid():
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
        return render(
            request,
            "admin/notifications/messagetemplate/_preview.html",
            {"check": None, "form_errors": errors, "draft": None},
            status=400,
        )
    draft = form.draft(trigger=trigger, channel=channel, locale=locale)
    check = selectors.template_draft_check(brand=brand, draft=draft)
    return render(request, "admin/notifications/messagetemplate/_preview.html", _preview(brand, draft, check))
