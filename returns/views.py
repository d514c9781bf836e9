"""The shopper's returns portal and the public return policy page."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from brands import selectors as brand_selectors
from brands.models import Brand
from common.numbers import is_plain_number
from common.ratelimits import post_field, shopper_ratelimit, url_kwarg
from common.shopper import render_shopper, shopper_locale, shopper_page
from orders.models import Order
from returns import links, policy, presentation, selectors, services, slip
from returns.forms import ItemsForm, LookupForm, ResolutionForm
from returns.models import Return, ReturnPolicy, ReturnReason
from returns.photos import MAX_PHOTOS, CheckedPhoto, check_photo, max_photo_bytes
from returns.reasons import reason_label
from returns.statuses import Resolution
from tracking import selectors as tracking_selectors
from tracking.views import TOKEN

STATE_SALT: Final = "returns.portal.state"
STATE_MAX_AGE: Final = 24 * 3600
LOOKUP_RATE: Final = "10/m"
SUBMIT_RATE: Final = "30/h"
MESSAGES: Final = {
    "not_found": (
        gettext_lazy("Page not found"),
        gettext_lazy("This link is not valid any more. Look your order up again to start a return."),
    ),
    "limited": (gettext_lazy("Too many attempts"), gettext_lazy("Please wait a minute before trying again.")),
    "too_large": (
        gettext_lazy("Your photos are too large"),
        gettext_lazy("Please send smaller photos, at most 5 MB each."),
    ),
    "tampered": (
        gettext_lazy("Please start again"),
        gettext_lazy("Something in this form changed. Choose your items again."),
    ),
    "gone": (
        gettext_lazy("Please start again"),
        gettext_lazy("Some of these items can no longer be returned. Choose your items again."),
    ),
}


def _message(
    request: HttpRequest, brand: Brand | None, *, key: str, status: int, locale: str = ""
) -> HttpResponse:
    locale = locale or shopper_locale(request=request, brand=brand)
    title, body = MESSAGES[key]
    with translation.override(locale):
        context = {"title": str(title), "body": str(body)}
    return render_shopper(
        request, "returns/message.html", brand=brand, locale=locale, context=context, status=status
    )


def _not_found(request: HttpRequest, brand: Brand | None) -> HttpResponse:
    return _message(
        request,
        brand,
        key="not_found",
        status=404,
    )


def _portal_order(brand_slug: str, order_token: str) -> tuple[Brand | None, Order | None]:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return None, None
    order_id = links.order_id_from_token(brand_id=brand.id, token=order_token)
    order = selectors.order_for_portal(brand=brand, order_id=order_id) if order_id else None
    return brand, order


def _shopper_return(brand_slug: str, token: str) -> tuple[Brand | None, Return | None]:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    # Only a well-formed token is worth a query (and NUL is one Postgres refuses to take).
    well_formed = TOKEN.match(token) is not None
    ret = (
        selectors.return_for_shopper(brand=brand, token=token) if brand is not None and well_formed else None
    )
    return brand, ret


def _order_locale(request: HttpRequest, brand: Brand, order: Order) -> str:
    return shopper_locale(request=request, brand=brand, preferred=(order.customer.locale, order.locale))


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate=LOOKUP_RATE, target=post_field("number"))
def lookup(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return _not_found(request, None)
    locale = shopper_locale(request=request, brand=brand)
    if getattr(request, "limited", False):
        response = _message(
            request,
            brand,
            key="limited",
            status=429,
            locale=locale,
        )
        response.headers["Retry-After"] = "60"
        return response
    form = LookupForm(request.POST if request.method == "POST" else None)
    not_found = False
    with translation.override(locale):
        if form.is_bound and form.is_valid():
            order = tracking_selectors.order_for_lookup(
                brand=brand,
                number=form.cleaned_data["number"],
                email_or_postal_code=form.cleaned_data["email"],
            )
            if order is not None:
                return redirect(links.start_url(brand_slug=brand.slug, brand_id=brand.id, order_id=order.id))
            not_found = True  # the same answer whether the order or the email is wrong
    return render_shopper(
        request,
        "returns/lookup.html",
        brand=brand,
        locale=locale,
        context={"form": form, "not_found": not_found},
        status=400 if form.is_bound else 200,
    )


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    quote: policy.Quote
    bonus_percent: Decimal


def _state_sign(*, order_id: int, lines: list[tuple[int, int]], reason_id: int) -> str:
    return signing.dumps(
        {"o": order_id, "l": [list(line) for line in lines], "r": reason_id}, salt=STATE_SALT
    )


def _state_load(value: str, *, order_id: int) -> tuple[list[services.RequestedLine], int] | None:
    """The step-one choices carried by the signed hidden field; None if tampered, stale or of another order."""
    try:
        state = signing.loads(value, salt=STATE_SALT, max_age=STATE_MAX_AGE)
        if state["o"] != order_id:
            return None
        lines = [services.RequestedLine(order_line_id=int(a), quantity=int(b)) for a, b in state["l"]]
        return lines, int(state["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _resolution_context(
    *, brand: Brand, order: Order, lines: list[services.RequestedLine], reason: ReturnReason, locale: str
) -> dict[str, Any] | None:
    """What step two shows: the chosen items, and each allowed resolution with what it pays back."""
    book = selectors.policy_book(brand=brand)
    options = selectors.order_options(order=order, book=book, now=timezone.now())
    try:
        chosen = services.check_lines(options=options, lines=lines)
    except ValidationError:
        return None
    allowed = policy.allowed_resolutions([option.rule for option in chosen])
    choices = []
    for resolution in Resolution:
        if resolution.value not in allowed:
            continue
        quote = services.return_quote(
            book=book,
            options=options,
            lines=lines,
            resolution=resolution.value,
            brand_fault=reason.brand_fault,
        )
        choices.append(Choice(resolution.value, str(resolution.label), quote, book.credit_bonus_percent))
    quantities = {line.order_line_id: line.quantity for line in lines}
    exchange_options = (
        [option for option in chosen if option.variants] if Resolution.EXCHANGE.value in allowed else []
    )
    return {
        "order": order,
        "chosen": [(option, quantities[option.line.id]) for option in chosen],
        "choices": choices,
        "reason": reason,
        "reason_label": reason_label(reason, locale),
        "photo_required": reason.requires_photo,
        "exchange_options": exchange_options,
        "lines": lines,
    }


def _resolution_form(context: dict[str, Any], data: Any = None, files: Any = None) -> ResolutionForm:
    return ResolutionForm(
        data,
        files,
        resolutions=[(choice.value, choice.label) for choice in context["choices"]],
        exchange_options=context["exchange_options"],
        photo_required=context["photo_required"],
    )


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, brand_slug: str, order_token: str) -> HttpResponse:
    """Step one: which items, how many, and why."""
    brand, order = _portal_order(brand_slug, order_token)
    if brand is None or order is None:
        return _not_found(request, brand)
    locale = _order_locale(request, brand, order)
    with translation.override(locale):
        services.reasons_ensure_defaults(brand=brand)
        book = selectors.policy_book(brand=brand)
        options = selectors.order_options(order=order, book=book, now=timezone.now())
        reasons = selectors.active_reasons(brand=brand)
        # A link may pre-choose the reason by its code (?reason=damaged, from a problem report).
        wanted = request.GET.get("reason", "")
        preset = next((reason for reason in reasons if reason.code == wanted), None) if wanted else None
        form = ItemsForm(
            request.POST if request.method == "POST" else None,
            options=options,
            reasons=reasons,
            locale=locale,
            initial={"reason": str(preset.id)} if preset else None,
        )
        if form.is_bound and form.is_valid():
            lines = form.chosen()
            reason = next(reason for reason in reasons if reason.id == form.cleaned_data["reason"])
            requested = [services.RequestedLine(order_line_id=a, quantity=b) for a, b in lines]
            context = _resolution_context(
                brand=brand, order=order, lines=requested, reason=reason, locale=locale
            )
            if context is not None:
                context.update(
                    form=_resolution_form(context),
                    state=_state_sign(order_id=order.id, lines=lines, reason_id=reason.id),
                    order_token=order_token,
                )
                return render_shopper(
                    request, "returns/resolution.html", brand=brand, locale=locale, context=context
                )
        ticked = request.POST.getlist("line") if form.is_bound else []
        rows = [
            {
                "option": option,
                "explanation": presentation.refusal_text(option.verdict),
                "qty_field": form[f"qty_{option.line.id}"] if option.eligible else None,
                "checked": str(option.line.id) in ticked,
            }
            for option in options
        ]
    return render_shopper(
        request,
        "returns/items.html",
        brand=brand,
        locale=locale,
        context={"form": form, "order": order, "rows": rows, "any_eligible": bool(form.options)},
        status=400 if form.is_bound else 200,
    )


def _checked_photos(form: ResolutionForm) -> list[CheckedPhoto]:
    photos = []
    for upload in form.cleaned_data.get("photos") or []:
        try:
            photos.append(check_photo(upload, size=upload.size))
        except ValidationError as exc:
            form.add_error("photos", exc)
            return []
    return photos


@shopper_page
@require_http_methods(["POST"])
@shopper_ratelimit(rate=SUBMIT_RATE, target=url_kwarg("order_token"))
def confirm(request: HttpRequest, brand_slug: str, order_token: str) -> HttpResponse:
    """Step two: the resolution, an optional comment and photos; creates the return."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if is_plain_number(declared) and int(declared) > MAX_PHOTOS * max_photo_bytes() + 1024 * 1024:
        return _message(
            request,
            None,
            key="too_large",
            status=413,
        )
    brand, order = _portal_order(brand_slug, order_token)
    if brand is None or order is None:
        return _not_found(request, brand)
    locale = _order_locale(request, brand, order)
    if getattr(request, "limited", False):
        return _message(request, brand, key="limited", status=429, locale=locale)
    state = _state_load(request.POST.get("state", ""), order_id=order.id)
    reason = None
    if state is not None:
        reason = ReturnReason.objects.filter(brand=brand, id=state[1], active=True).first()
    if state is None or reason is None:
        return _message(
            request,
            brand,
            key="tampered",
            status=400,
            locale=locale,
        )
    lines = state[0]
    with translation.override(locale):
        context = _resolution_context(brand=brand, order=order, lines=lines, reason=reason, locale=locale)
        if context is None:
            return _message(
                request,
                brand,
                key="gone",
                status=409,
                locale=locale,
            )
        form = _resolution_form(context, request.POST, request.FILES)
        if form.is_valid():
            photos = _checked_photos(form)
            if form.photo_required and not photos and not form.errors:
                form.add_error("photos", _("Please add a photo of the problem."))
            if not form.errors:
                requested = [
                    services.RequestedLine(
                        order_line_id=line.order_line_id,
                        quantity=line.quantity,
                        exchange_for_id=form.cleaned_data.get(f"exchange_{line.order_line_id}")
                        if form.cleaned_data["resolution"] == Resolution.EXCHANGE
                        else None,
                    )
                    for line in lines
                ]
                try:
                    ret = services.return_request(
                        brand=brand,
                        order_id=order.id,
                        lines=requested,
                        reason_id=reason.id,
                        resolution=form.cleaned_data["resolution"],
                        comment=form.cleaned_data["comment"],
                        photos=photos,
                        locale=locale,
                    )
                except ValidationError as exc:
                    for field, messages in exc.message_dict.items():
                        form.add_error(
                            None if field in ("lines", "reason") else field if field in form.fields else None,
                            messages,
                        )
                else:
                    return redirect("returns-detail", brand_slug=brand.slug, token=ret.token)
        context.update(form=form, state=request.POST.get("state", ""), order_token=order_token)
    return render_shopper(
        request, "returns/resolution.html", brand=brand, locale=locale, context=context, status=400
    )


@shopper_page
@require_http_methods(["GET", "HEAD"])
def detail(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    """The confirmation: RMA number, what happens next, QR code and the slip."""
    brand, ret = _shopper_return(brand_slug, token)
    if brand is None or ret is None:
        return _not_found(request, brand)
    locale = shopper_locale(request=request, brand=brand, preferred=(ret.locale, ret.order.locale))
    settings = ReturnPolicy.objects.filter(brand=brand).first()
    with translation.override(locale):
        context = {
            "ret": ret,
            "reason_label": reason_label(ret.reason, locale),
            "qr_svg": slip.qr_svg(ret.rma),
            "method": presentation.method_sentence(settings.return_method if settings else "drop_off"),
            "processing": presentation.processing_sentence(settings.processing_days if settings else 5),
            "return_address": settings.return_address if settings else "",
            "rejection_reason": ret.rejection_reason_in(locale),
            "shown_amount": ret.amount_issued if ret.amount_issued is not None else ret.amount_due,
            "inspected": ret.inspected_amount is not None,
        }
    return render_shopper(request, "returns/detail.html", brand=brand, locale=locale, context=context)


@require_http_methods(["GET", "HEAD"])
def slip_pdf(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    brand, ret = _shopper_return(brand_slug, token)
    if brand is None or ret is None:
        return _not_found(request, brand)
    locale = shopper_locale(request=request, brand=brand, preferred=(ret.locale, ret.order.locale))
    settings = ReturnPolicy.objects.filter(brand=brand).first()
    with translation.override(locale):
        pdf = slip.slip_pdf(ret=ret, brand=brand, return_address=settings.return_address if settings else "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{ret.rma}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@shopper_page
@require_http_methods(["GET", "HEAD"])
def policy_page(request: HttpRequest, brand_slug: str) -> HttpResponse:
    """The brand's return policy in plain words, rendered from the rules that decide eligibility."""
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return _not_found(request, None)
    locale = shopper_locale(request=request, brand=brand)
    book = selectors.policy_book(brand=brand)
    settings = ReturnPolicy.objects.filter(brand=brand).first()
    currency = settings.currency if settings else "EUR"
    with translation.override(locale):
        context = {
            "sections": presentation.policy_sections(book, currency=currency),
            "method": presentation.method_sentence(book.return_method),
            "processing": presentation.processing_sentence(book.processing_days),
            "reasons": [
                (reason_label(reason, locale), reason)
                for reason in selectors.active_reasons(brand=brand)
                if reason.brand_fault or reason.requires_photo
            ],
        }
    return render_shopper(request, "returns/policy.html", brand=brand, locale=locale, context=context)
