"""The Connections page: webhook URLs, secrets, API keys and test events for one brand.

Only staff whose role in that brand carries brands.manage_connections reach it: another brand's id
is a 404, a brand where the role does not carry it is a 403. Changes are POST-only (admin_view adds
CSRF); a secret or key is shown once, in the answer to the POST that made it, and never stored
anywhere it could be shown again.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from brands import selectors as brand_selectors
from brands import services as brand_services
from brands.models import ApiKey, Brand, Provider
from console import connections
from tracking import sample_events


class PastedSecretForm(forms.Form):
    secret = forms.CharField(
        label=_("Secret issued by the provider"),
        max_length=brand_services.WEBHOOK_SECRET_MAX,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=brand_services.API_KEY_NAME_MAX,
        required=False,
        help_text=_("Where the key is used, e.g. “Warehouse system”."),
    )


def _managed_brand(request: HttpRequest, brand_id: int) -> Brand:
    """The brand, if this staff member may manage its connections: 404 outside their brands, else 403."""
    brand = brand_selectors.brands_for_user(user=request.user).filter(id=brand_id).first()
    if brand is None:
        raise Http404
    if not brand_selectors.may_manage_connections(user=request.user, brand_id=brand.id):
        raise PermissionDenied
    return brand


def _provider(provider: str) -> str:
    if provider not in Provider.values:
        raise Http404
    return provider


def _page(
    request: HttpRequest,
    brand: Brand,
    *,
    status: int = 200,
    issued: dict[str, Any] | None = None,
    outcome: sample_events.SampleOutcome | None = None,
    secret_error: tuple[str, list[str]] | None = None,
    key_form: ApiKeyForm | None = None,
) -> TemplateResponse:
    overview = connections.brand_connections(brand=brand, now=timezone.now())
    context = {
        **admin.site.each_context(request),
        "title": gettext("Connections"),
        "subtitle": brand.name,
        "overview": overview,
        "issued": issued,
        "outcome": outcome,
        "outcome_guide": connections.GUIDE_BY_PROVIDER.get(outcome.provider) if outcome else None,
        "secret_error_provider": secret_error[0] if secret_error else "",
        "secret_errors": secret_error[1] if secret_error else [],
        "key_form": key_form or ApiKeyForm(),
    }
    # admin_view marks every answer never_cache (no-store): a secret shown once is not kept anywhere.
    return TemplateResponse(request, "console/connections.html", context, status=status)


@require_GET
def connections_index(request: HttpRequest) -> HttpResponse:
    """The sidebar's entry: straight to the brand when there is one, else a choice."""
    brands = [
        brand
        for brand in brand_selectors.brands_for_user(user=request.user).only("id", "name", "slug")
        if brand_selectors.may_manage_connections(user=request.user, brand_id=brand.id)
    ]
    if not brands:
        raise PermissionDenied
    if len(brands) == 1:
        return redirect("console-connections", brand_id=brands[0].id)
    context = {**admin.site.each_context(request), "title": gettext("Connections"), "brands": brands}
    return TemplateResponse(request, "console/connections_index.html", context)


@require_GET
def connections_page(request: HttpRequest, brand_id: int) -> HttpResponse:
    return _page(request, _managed_brand(request, brand_id))


@require_POST
def secret_generate(request: HttpRequest, brand_id: int, provider: str) -> HttpResponse:
    brand, provider = _managed_brand(request, brand_id), _provider(provider)
    raw = brand_services.webhook_secret_generate(brand=brand, provider=provider)
    issued = {"provider": provider, "label": gettext("Webhook secret"), "value": raw}
    if provider == Provider.SHIPPO:
        issued["url"] = connections.webhook_url(brand=brand, provider=provider, token=raw)
    return _page(request, brand, issued=issued)


@require_POST
def secret_save(request: HttpRequest, brand_id: int, provider: str) -> HttpResponse:
    brand, provider = _managed_brand(request, brand_id), _provider(provider)
    form = PastedSecretForm(request.POST)
    if form.is_valid():
        try:
            brand_services.webhook_secret_set(
                brand=brand, provider=provider, secret=form.cleaned_data["secret"]
            )
        except brand_services.CredentialRefused as exc:
            form.add_error("secret", str(exc))
    if not form.is_valid():
        return _page(
            request,
            brand,
            status=400,
            secret_error=(provider, [str(error) for error in form.errors["secret"]]),
        )
    messages.success(request, gettext("Secret saved. It will not be shown again."))
    return _back(brand)


@require_POST
def secret_end_grace(request: HttpRequest, brand_id: int, provider: str) -> HttpResponse:
    brand, provider = _managed_brand(request, brand_id), _provider(provider)
    brand_services.webhook_secret_end_grace(brand=brand, provider=provider)
    messages.success(request, gettext("The previous secret is no longer accepted."))
    return _back(brand)


@require_POST
def api_key_create(request: HttpRequest, brand_id: int) -> HttpResponse:
    brand = _managed_brand(request, brand_id)
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _page(request, brand, status=400, key_form=form)
    issued = brand_services.api_key_create(brand=brand, name=form.cleaned_data["name"])
    return _page(
        request, brand, issued={"provider": "", "label": gettext("API key"), "value": issued.raw_key}
    )


@require_POST
def api_key_revoke(request: HttpRequest, brand_id: int, key_id: int) -> HttpResponse:
    brand = _managed_brand(request, brand_id)
    if not ApiKey.objects.filter(id=key_id, brand=brand).exists():
        raise Http404
    if brand_services.api_key_revoke(api_key_id=key_id, brand_id=brand.id):
        messages.success(request, gettext("The key is revoked; calls with it are refused from now on."))
    return _back(brand)


@require_POST
def test_event_send(request: HttpRequest, brand_id: int, provider: str) -> HttpResponse:
    brand, provider = _managed_brand(request, brand_id), _provider(provider)
    outcome = sample_events.sample_event_send(brand=brand, provider=provider)
    return _page(request, brand, outcome=outcome)


def _back(brand: Brand) -> HttpResponseRedirect:
    return redirect("console-connections", brand_id=brand.id)
