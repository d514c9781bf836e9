"""The help centre, Ask us and the shopper's case page: thin views over the support services."""

from typing import Final

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

from brands import selectors as brand_selectors
from brands.models import Brand
from common.numbers import is_plain_number
from common.ratelimits import post_field, shopper_ratelimit, url_kwarg
from common.shopper import is_counted_view, render_shopper, shopper_locale, shopper_page
from support import selectors, services
from support.forms import AskForm, ReplyForm, SearchForm, VoteForm
from support.models import CaseKind
from tracking import selectors as tracking_selectors
from tracking.views import TOKEN

VOTED_COOKIE: Final = "help_voted"
VOTED_COOKIE_AGE: Final = 365 * 24 * 3600
CONFIRM_CODE_MAX_LENGTH: Final = 300


def _brand_or_404(brand_slug: str) -> Brand:
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        raise Http404
    return brand


def _limited(request: HttpRequest, brand: Brand, locale: str) -> HttpResponse:
    return render_shopper(request, "support/rate_limited.html", brand=brand, locale=locale, status=429)


@shopper_page
@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand_or_404(brand_slug)
    locale = shopper_locale(request=request, brand=brand)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = selectors.faq_search(brand=brand, locale=locale, query=query) if query else None
    context = {
        "form": form if form.is_bound else SearchForm(),
        "query": query,
        "results": results,
        "categories": [] if query else selectors.help_categories(brand=brand, locale=locale),
        "tracking": request.GET.get("t", "") if TOKEN.match(request.GET.get("t", "")) else "",
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render_shopper(
        request, "support/home.html", brand=brand, locale=locale, context=context, status=status
    )


@shopper_page
@require_http_methods(["GET", "HEAD"])
def article(request: HttpRequest, brand_slug: str, article_id: int) -> HttpResponse:
    brand = _brand_or_404(brand_slug)
    found = selectors.published_article(brand=brand, article_id=article_id)
    if found is None:
        raise Http404
    if is_counted_view(request):
        services.article_viewed(article_id=found.id)
    voted = str(found.id) in request.COOKIES.get(VOTED_COOKIE, "").split(".")
    context = {
        "article": found,
        "related": selectors.related_articles(article=found),
        "voted": voted or request.GET.get("voted") == "1",
    }
    # An answer is written in one language: the page speaks it, whatever the switcher says.
    return render_shopper(request, "support/article.html", brand=brand, locale=found.locale, context=context)


@shopper_page
@require_POST
@shopper_ratelimit(rate="30/h")
def article_vote(request: HttpRequest, brand_slug: str, article_id: int) -> HttpResponse:
    brand = _brand_or_404(brand_slug)
    found = selectors.published_article(brand=brand, article_id=article_id)
    if found is None:
        raise Http404
    if getattr(request, "limited", False):
        return _limited(request, brand, found.locale)
    form = VoteForm(request.POST)
    voted_ids = [
        value for value in request.COOKIES.get(VOTED_COOKIE, "").split(".") if is_plain_number(value)
    ]
    if not form.is_valid():
        return redirect(reverse("support-article", kwargs={"brand_slug": brand.slug, "article_id": found.id}))
    if str(found.id) not in voted_ids:
        services.article_vote(article_id=found.id, helpful=form.cleaned_data["helpful"])
        voted_ids.append(str(found.id))
    response = redirect(
        reverse("support-article", kwargs={"brand_slug": brand.slug, "article_id": found.id})
        + "?voted=1#vote"
    )
    response.set_cookie(
        VOTED_COOKIE, ".".join(voted_ids[-200:]), max_age=VOTED_COOKIE_AGE, httponly=True, samesite="Lax"
    )
    return response


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate="5/10m", target=post_field("email"), target_rate="10/h")
def ask(request: HttpRequest, brand_slug: str) -> HttpResponse:
    brand = _brand_or_404(brand_slug)
    token = request.POST.get("tracking") or request.GET.get("t", "")
    tracked = tracking_selectors.tracking_page_data(brand=brand, token=token) if TOKEN.match(token) else None
    preferred = (tracked.order.customer.locale, tracked.order.locale) if tracked else ()
    locale = shopper_locale(request=request, brand=brand, preferred=preferred)
    if request.method == "POST" and getattr(request, "limited", False):
        return _limited(request, brand, locale)
    initial = {"tracking": token if tracked else ""}
    if tracked:
        customer = tracked.order.customer
        initial.update(name=f"{customer.first_name} {customer.last_name}".strip(), email=customer.email)
    form = AskForm(request.POST or None, initial=initial)
    with translation.override(locale):
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the hidden field: it is told all went well, and nothing is written.
                return render_shopper(request, "support/asked.html", brand=brand, locale=locale)
            try:
                case, _created = services.case_open(
                    brand=brand,
                    data=services.CaseInput(
                        kind=CaseKind.QUESTION,
                        subject=form.cleaned_data["subject"],
                        body=form.cleaned_data["message"],
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        locale=locale,
                        order_id=tracked.order.id if tracked else None,
                        shipment_id=tracked.focus.id if tracked and tracked.focus else None,
                        acknowledge=True,
                    ),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return render_shopper(
                    request, "support/asked.html", brand=brand, locale=locale, context={"case": case}
                )
        context = {
            "form": form,
            "order": tracked.order if tracked else None,
            "suggestions": (
                selectors.faq_search(
                    brand=brand, locale=locale, query=str(form.data.get("subject", "")), limit=3
                )
                if form.is_bound
                else []
            ),
        }
    status = 400 if form.is_bound else 200
    return render_shopper(
        request, "support/ask.html", brand=brand, locale=locale, context=context, status=status
    )


@shopper_page
@require_http_methods(["GET", "HEAD", "POST"])
@shopper_ratelimit(rate="10/10m", target=url_kwarg("token"))
def case(request: HttpRequest, brand_slug: str, token: str) -> HttpResponse:
    brand = _brand_or_404(brand_slug)
    found = selectors.case_by_token(brand=brand, token=token) if TOKEN.match(token) else None
    if found is None:
        raise Http404
    locale = shopper_locale(request=request, brand=brand, preferred=(found.locale,))
    if request.method == "POST" and getattr(request, "limited", False):
        return _limited(request, brand, locale)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_shopper_reply(case_id=found.id, body=form.cleaned_data["message"])
        return redirect(request.path + "?sent=1#thread")
    status = 400 if form.is_bound else 200
    return render_shopper(
        request,
        "support/case.html",
        brand=brand,
        locale=locale,
        context={
            "case": found,
            "form": form if form.is_bound else ReplyForm(),
            "sent": request.GET.get("sent"),
        },
        status=status,
    )


@shopper_page
@require_http_methods(["GET"])
def case_confirm(request: HttpRequest, brand_slug: str, token: str, code: str) -> HttpResponse:
    """The link in an acknowledgement: the address is the reader's; on to the conversation."""
    brand = _brand_or_404(brand_slug)
    well_formed = TOKEN.match(token) is not None and len(code) <= CONFIRM_CODE_MAX_LENGTH
    found = services.case_address_confirm(brand=brand, token=token, code=code) if well_formed else None
    if found is None:
        raise Http404
    return redirect(reverse("support-case", kwargs={"brand_slug": brand.slug, "token": found.token}))
