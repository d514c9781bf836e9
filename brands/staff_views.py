"""Console pages for staff: the team of one's brands, joining by invitation, one's own account."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from brands import team, two_factor
from brands.models import Invitation, Membership, TeamPolicy
from brands.staff_forms import CodeForm, InviteForm, JoinForm, LanguageForm, RoleChangeForm, password_help
from brands.staff_language import SESSION_KEY, staff_language_set


def _page(request: HttpRequest, template: str, title: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


def _team_context(request: HttpRequest, brands: list[Any], invite_form: InviteForm) -> dict[str, Any]:
    brand_ids = [brand.id for brand in brands]
    memberships = (
        Membership.objects.filter(brand_id__in=brand_ids)
        .select_related("user", "brand")
        .order_by("brand__name", "user__username")
    )
    invitations = (
        Invitation.objects.filter(brand_id__in=brand_ids, accepted_at__isnull=True)
        .select_related("brand")
        .order_by("-created_at")[:100]
    )
    required = set(
        TeamPolicy.objects.filter(brand_id__in=brand_ids, two_factor_required=True).values_list(
            "brand_id", flat=True
        )
    )
    return {
        "brands": brands,
        "policies": [(brand, brand.id in required) for brand in brands],
        "memberships": [
            (membership, RoleChangeForm(initial={"membership": membership.id, "role": membership.role}))
            for membership in memberships
        ],
        "invitations": invitations,
        "invite_form": invite_form,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest) -> HttpResponse:
    """An owner's team: who works for which brand in which role, open invitations, and a form to invite."""
    brands = team.team_brands(actor=request.user)
    if not brands:
        raise PermissionDenied
    invite_form = InviteForm(brands=brands)
    if request.method == "POST":
        what = request.POST.get("do")
        try:
            if what == "invite":
                invite_form = InviteForm(request.POST, brands=brands)
                if invite_form.is_valid():
                    data = invite_form.cleaned_data
                    result = team.team_invite(
                        actor=request.user, brand=data["brand"], email=data["email"], role=data["role"]
                    )
                    messages.success(
                        request,
                        _("%(email)s was added to the team.") % {"email": data["email"]}
                        if result.added_user_id
                        else _("An invitation was sent to %(email)s.") % {"email": data["email"]},
                    )
                    return HttpResponseRedirect(request.path)
            elif what == "role":
                role_form = RoleChangeForm(request.POST)
                if not role_form.is_valid():
                    return HttpResponse(status=400)
                team.membership_change_role(
                    actor=request.user,
                    membership_id=_scoped_membership_id(role_form.cleaned_data["membership"], brands),
                    role=role_form.cleaned_data["role"],
                )
                messages.success(request, _("The role was changed."))
                return HttpResponseRedirect(request.path)
            elif what == "remove":
                team.membership_remove(
                    actor=request.user,
                    membership_id=_scoped_membership_id(request.POST.get("membership"), brands),
                )
                messages.success(request, _("The teammate was removed."))
                return HttpResponseRedirect(request.path)
            elif what == "policy":
                brand = next((b for b in brands if str(b.id) == request.POST.get("brand")), None)
                if brand is None:
                    raise Http404
                required = request.POST.get("two_factor_required") == "on"
                team.two_factor_required_set(actor=request.user, brand=brand, required=required)
                messages.success(
                    request,
                    _("Two-factor codes are now required for %(brand)s's staff, from their next login.")
                    % {"brand": brand.name}
                    if required
                    else _("Two-factor codes are optional for %(brand)s's staff.") % {"brand": brand.name},
                )
                return HttpResponseRedirect(request.path)
            elif what == "revoke":
                invitation_id = _int_or_404(request.POST.get("invitation"))
                if not Invitation.objects.filter(id=invitation_id, brand__in=brands).exists():
                    raise Http404
                team.invitation_revoke(actor=request.user, invitation_id=invitation_id)
                messages.success(request, _("The invitation was withdrawn."))
                return HttpResponseRedirect(request.path)
            else:
                return HttpResponse(status=400)
        except team.TeamError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
    return _page(request, "brands/staff/team.html", _("Team"), _team_context(request, brands, invite_form))


def _int_or_404(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise Http404 from error
    if not 0 < number < 2**31:
        raise Http404
    return number


def _scoped_membership_id(value: Any, brands: list[Any]) -> int:
    """A membership of one of the brands whose team this user manages; any other id is a 404."""
    membership_id = _int_or_404(value)
    if not Membership.objects.filter(id=membership_id, brand__in=brands).exists():
        raise Http404
    return membership_id


@never_cache
@require_http_methods(["GET", "POST"])
def join_page(request: HttpRequest, token: str) -> HttpResponse:
    """Where an invitation link lands: choose a password, then work in the console at once."""
    invitation = team.invitation_for_token(raw_token=token)
    # The console's own context carries its colours and fonts, even for someone not signed in yet.
    context: dict[str, Any] = {**admin.site.each_context(request), "invitation": invitation}
    if invitation is None:
        return render(request, "brands/staff/join.html", context, status=404)
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = team.invitation_accept(raw_token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        except team.TeamError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(reverse("admin:index"))
    context.update(form=form, password_help=password_help())
    return render(request, "brands/staff/join.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    """One's own console settings: language and two-factor codes."""
    user = request.user
    language_form = LanguageForm(initial={"language": request.session.get(SESSION_KEY, "")})
    code_form = CodeForm()
    if request.method == "POST":
        what = request.POST.get("do")
        if what == "language":
            language_form = LanguageForm(request.POST)
            if language_form.is_valid():
                language = language_form.cleaned_data["language"]
                staff_language_set(request=request, language=language)
                if language:  # the confirmation already in the language just chosen
                    translation.activate(language)
                messages.success(request, _("Your language was saved."))
                return HttpResponseRedirect(request.path)
        elif what in ("confirm", "disable"):
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                code = code_form.cleaned_data["code"]
                if what == "confirm" and two_factor.two_factor_confirm(user=user, code=code):
                    request.session.pop(two_factor.ENROL_SESSION_KEY, None)
                    request.session[two_factor.VERIFIED_SESSION_KEY] = True
                    messages.success(request, _("Two-factor codes are on: the login will ask for one."))
                    return HttpResponseRedirect(request.path)
                if what == "disable" and two_factor.two_factor_disable(user=user, code=code):
                    messages.success(request, _("Two-factor codes are off."))
                    return HttpResponseRedirect(request.path)
                code_form.add_error("code", _("That code is not right; codes change every 30 seconds."))
        else:
            return HttpResponse(status=400)
    enabled = two_factor.has_two_factor(user=user)
    context: dict[str, Any] = {
        "language_form": language_form,
        "code_form": code_form,
        "two_factor_on": enabled,
        "two_factor_owed": bool(request.session.get(two_factor.ENROL_SESSION_KEY)),
        "two_factor_may_turn_off": enabled and two_factor.two_factor_may_turn_off(user=user),
    }
    if not enabled:
        device = two_factor.pending_device(user=user)
        context.update(qr_svg=two_factor.qr_svg(device=device), secret=two_factor.secret_text(device=device))
    return _page(request, "brands/staff/account.html", _("Your account"), context)
