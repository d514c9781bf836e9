"""The brand look page: logo, colours and font as a draft, previewed live, published when the merchant says.

The page and its preview endpoint are admin views of BrandAdmin (see brands/admin.py): the brand is
looked up in the staff member's scope (another brand's id → 404) and changing it needs
`brands.change_brand`. The preview endpoint and the page's "Preview" button write nothing.
"""

import base64
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import UnfoldAdminColorInputWidget, UnfoldAdminSelectWidget

from brands import services
from brands.look import LookValues, contrast_advice, look_applied, validate_logo
from brands.models import FONT_STACKS, Brand, BrandLookDraft, FontFamily, hex_colour
from common.shopper import NATIVE_NAMES, enabled_locales
from console import look_preview
from tracking.statuses import ShipmentStatus

ACTIONS = ("preview", "save", "publish", "discard")


class BrandLookForm(forms.Form):
    logo = forms.FileField(
        required=False,
        label=gettext_lazy("Logo"),
        help_text=gettext_lazy("PNG, JPEG, WebP or SVG, up to 512 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp,.svg"}),
    )
    remove_logo = forms.BooleanField(
        required=False, label=gettext_lazy("Show the brand name instead of a logo")
    )
    primary_colour = forms.CharField(
        label=gettext_lazy("Brand colour"),
        validators=[hex_colour],
        widget=UnfoldAdminColorInputWidget(),
        help_text=gettext_lazy("The header, buttons and headings."),
    )
    accent_colour = forms.CharField(
        label=gettext_lazy("Accent colour"),
        validators=[hex_colour],
        widget=UnfoldAdminColorInputWidget(),
        help_text=gettext_lazy("Progress marks and highlights."),
    )
    font = forms.ChoiceField(label=gettext_lazy("Font"), choices=FontFamily.choices, widget=forms.RadioSelect)
    preview_status = forms.ChoiceField(
        label=gettext_lazy("Parcel status"),
        choices=ShipmentStatus.choices,
        initial=ShipmentStatus.IN_TRANSIT,
        required=False,
        widget=UnfoldAdminSelectWidget,
    )
    preview_locale = forms.ChoiceField(
        label=gettext_lazy("Language"), required=False, widget=UnfoldAdminSelectWidget
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        locales = enabled_locales(brand)
        self.fields["preview_locale"].choices = [(code, NATIVE_NAMES.get(code, code)) for code in locales]  # type: ignore[attr-defined]
        self.fields["preview_locale"].initial = (
            brand.default_locale if brand.default_locale in locales else locales[0]
        )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo:
            validate_logo(logo)
        return logo

    def clean_primary_colour(self) -> str:
        return str(self.cleaned_data["primary_colour"]).lower()

    def clean_accent_colour(self) -> str:
        return str(self.cleaned_data["accent_colour"]).lower()


def _initial(brand: Brand, draft: BrandLookDraft | None) -> dict[str, Any]:
    source: Brand | BrandLookDraft = draft or brand
    return {
        "primary_colour": source.primary_colour,
        "accent_colour": source.accent_colour,
        "font": source.font,
    }


def _current_look(brand: Brand, draft: BrandLookDraft | None) -> LookValues:
    source: Brand | BrandLookDraft = draft or brand
    return LookValues(
        primary_colour=source.primary_colour,
        accent_colour=source.accent_colour,
        font=source.font,
        logo_name=source.logo.name or "",
    )


def _typed_look(form: BrandLookForm, current: LookValues) -> LookValues:
    """The look as typed, field by field; a field with an error keeps the current value."""
    data = getattr(form, "cleaned_data", {})
    return LookValues(
        primary_colour=data.get("primary_colour") or current.primary_colour,
        accent_colour=data.get("accent_colour") or current.accent_colour,
        font=data.get("font") or current.font,
        logo_name="" if data.get("remove_logo") else current.logo_name,
    )


def _logo_data_url(form: BrandLookForm) -> str:
    """A chosen logo not stored yet, as a data: URL the preview can show; "" when none or refused."""
    logo = getattr(form, "cleaned_data", {}).get("logo")
    if not logo or "logo" in form.errors:
        return ""
    extension = (logo.name or "").rsplit(".", 1)[-1].lower()
    kind = {"svg": "svg+xml", "jpg": "jpeg"}.get(extension, extension)
    logo.seek(0)
    encoded = base64.b64encode(logo.read()).decode()
    logo.seek(0)
    return f"data:image/{kind};base64,{encoded}"


def preview_context(
    request: HttpRequest, *, brand: Brand, form: BrandLookForm, current: LookValues
) -> dict[str, Any]:
    """What the preview pane shows for the typed look: both previews, the contrast advice, the font sample."""
    form.is_valid()  # fills cleaned_data for the fields that are valid
    look = _typed_look(form, current)
    preview_brand = look_applied(brand, look)
    logo_url = _logo_data_url(form)
    if logo_url:
        vars(preview_brand)["logo"] = look_preview.PreviewLogo(url=logo_url)
    data = getattr(form, "cleaned_data", {})
    status = data.get("preview_status") or ShipmentStatus.IN_TRANSIT
    locale = data.get("preview_locale") or form.fields["preview_locale"].initial
    email = look_preview.email_preview(brand=preview_brand, status=status, locale=locale)
    return {
        "look": look,
        "advice": contrast_advice(look),
        "font_stack": FONT_STACKS.get(look.font, FONT_STACKS[FontFamily.SYSTEM]),
        "tracking_html": look_preview.tracking_page_html(
            request=request, brand=preview_brand, status=status, locale=locale
        ),
        "email": email,
        "preview_status_label": ShipmentStatus(status).label,
        "preview_errors": [error for field in form.errors.values() for error in field],
    }


def _brand_in_scope(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> Brand:
    """The brand if the staff member may change it; another brand's id is a 404, a view-only role a 403."""
    brand = model_admin.get_object(request, object_id)
    if brand is None:
        raise Http404
    if not model_admin.has_change_permission(request, brand):
        raise PermissionDenied
    return brand  # type: ignore[no-any-return]


def look_page(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """GET: the look form and its preview. POST: preview, save the draft, publish it or discard it."""
    brand = _brand_in_scope(model_admin, request, object_id)
    draft = services.brand_look_draft(brand=brand)
    current = _current_look(brand, draft)
    page_url = reverse("admin:brands_brand_look", args=[brand.pk])
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if action not in ACTIONS:
            action = "preview"
        if action == "discard":
            services.brand_look_draft_discard(brand_id=brand.pk)
            messages.info(request, _("Draft discarded. Shoppers see the published look, as before."))
            return redirect(page_url)
        form = BrandLookForm(request.POST, request.FILES, brand=brand)
        if action in {"save", "publish"} and form.is_valid():
            look = _typed_look(form, current)
            services.brand_look_draft_save(
                brand=brand, look=look, logo=form.cleaned_data.get("logo") or None, user_id=request.user.pk
            )
            if action == "publish":
                services.brand_look_publish(brand_id=brand.pk)
                messages.success(request, _("Published: shoppers now see the new look."))
            else:
                messages.info(
                    request, _("Draft saved. Shoppers still see the published look until you publish.")
                )
            return redirect(page_url)
        status = 400 if form.errors else 200
    else:
        locales = enabled_locales(brand)
        typed = {
            **_initial(brand, draft),
            "preview_status": ShipmentStatus.IN_TRANSIT,
            "preview_locale": brand.default_locale if brand.default_locale in locales else locales[0],
        }
        form = BrandLookForm(typed, brand=brand)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Brand look: %(brand)s") % {"brand": brand.name},
        "opts": Brand._meta,
        "original": brand,
        "brand": brand,
        "draft": draft,
        "form": form,
        "font_choices": [(radio, FONT_STACKS.get(str(radio.data["value"]), "")) for radio in form["font"]],
        "preview_url": reverse("admin:brands_brand_look_preview", args=[brand.pk]),
        "change_url": reverse("admin:brands_brand_change", args=[brand.pk]),
        **preview_context(request, brand=brand, form=form, current=current),
    }
    return TemplateResponse(request, "console/brand_look.html", context, status=status)


def look_preview_fragment(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """POST the look form, get the preview pane back (for htmx); writes nothing."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    brand = _brand_in_scope(model_admin, request, object_id)
    current = _current_look(brand, services.brand_look_draft(brand=brand))
    form = BrandLookForm(request.POST, request.FILES, brand=brand)
    context = preview_context(request, brand=brand, form=form, current=current)
    return TemplateResponse(request, "console/brand_look_preview.html", context)


def look_start(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The sidebar's "Brand look": straight to the look page when the staff member has one brand."""
    brands = list(model_admin.get_queryset(request).values_list("pk", flat=True)[:2])
    if len(brands) == 1 and model_admin.has_change_permission(request):
        return redirect("admin:brands_brand_look", brands[0])
    return redirect("admin:brands_brand_changelist")
