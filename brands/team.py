"""A brand's team: owners invite staff by email with a role, change a teammate's role or remove them.

Only an owner of the brand manages its team, and a brand always keeps at least one owner. An
invitation link is single-use and expires; only the SHA-256 of its token is stored.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand, Invitation, Membership, Role, TeamPolicy
from brands.permissions import forget_roles
from brands.services import membership_grant
from common.tokens import sha256_hex


class TeamError(Exception):
    """A team change that would leave the brand in a state it must not be in; the message is for staff."""


@dataclass(frozen=True)
class InviteResult:
    invitation_id: int | None  # None when an existing account was added at once
    raw_token: str | None
    added_user_id: int | None


def may_manage_team(*, actor: Any, brand: Brand) -> bool:
    """Whether a user may invite, re-role and remove staff of this brand (its owners and superusers)."""
    return bool(actor.has_perm("brands.change_membership", brand))


def _require_owner(actor: Any, brand: Brand) -> None:
    if not may_manage_team(actor=actor, brand=brand):
        raise PermissionDenied


def _invitation_days() -> int:
    return int(getattr(settings, "STAFF_INVITATION_DAYS", 7))


def team_invite(*, actor: Any, brand: Brand, email: str, role: str) -> InviteResult:
    """Invite someone to a brand's staff; an existing account simply gets the membership."""
    _require_owner(actor, brand)
    if role not in Role.values:
        raise TeamError(_("Choose a role."))
    email = get_user_model().objects.normalize_email(email.strip())
    existing = get_user_model().objects.filter(email__iexact=email).order_by("id").first()
    if existing is not None:
        if Membership.objects.filter(user=existing, brand=brand).exists():
            raise TeamError(_("%(email)s is already in the team.") % {"email": email})
        membership_grant(user_id=existing.id, brand=brand, role=role)
        _send_on_commit(
            to=existing.email,
            subject=_("You were added to %(brand)s") % {"brand": brand.name},
            body=_("You can now work for %(brand)s in the console: %(link)s")
            % {"brand": brand.name, "link": f"{settings.SITE_URL}{reverse('admin:index')}"},
        )
        return InviteResult(invitation_id=None, raw_token=None, added_user_id=existing.id)
    raw_token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        brand=brand,
        email=email,
        role=role,
        token_hash=sha256_hex(raw_token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=_invitation_days()),
    )
    link = f"{settings.SITE_URL}{reverse('staff-join', kwargs={'token': raw_token})}"
    _send_on_commit(
        to=email,
        subject=_("Join %(brand)s on postpurchase") % {"brand": brand.name},
        body=_(
            "%(inviter)s invited you to work for %(brand)s as %(role)s.\n\n"
            "Choose a password here (the link works once, for %(days)s days):\n%(link)s\n"
        )
        % {
            "inviter": actor.get_full_name() or actor.get_username(),
            "brand": brand.name,
            "role": Role(role).label,
            "days": _invitation_days(),
            "link": link,
        },
    )
    return InviteResult(invitation_id=invitation.id, raw_token=raw_token, added_user_id=None)


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


def invitation_for_token(*, raw_token: str) -> Invitation | None:
    """The open invitation this link stands for: not used, not expired; None otherwise."""
    if not raw_token or len(raw_token) > 100:
        return None
    return (
        Invitation.objects.select_related("brand")
        .filter(token_hash=sha256_hex(raw_token), accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, raw_token: str, password: str) -> Any:
    """Turn an open invitation into a staff account with its membership; single-use."""
    invitation = invitation_for_token(raw_token=raw_token)
    if invitation is None:
        raise TeamError(_("This invitation link is not valid any more. Ask for a new one."))
    user_model = get_user_model()
    candidate = user_model(username=invitation.email, email=invitation.email)
    validate_password(password, user=candidate)
    # A link used twice at the same moment: only the request whose update lands creates the account.
    claimed = Invitation.objects.filter(id=invitation.id, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise TeamError(_("This invitation link is not valid any more. Ask for a new one."))
    if user_model.objects.filter(username__iexact=invitation.email).exists():
        raise TeamError(_("An account with this email already exists: log in and ask the owner to add it."))
    user = user_model.objects.create_user(
        username=invitation.email, email=invitation.email, password=password, is_staff=True
    )
    membership_grant(user_id=user.id, brand=invitation.brand, role=invitation.role)
    return user


def _owners_left(brand_id: int) -> int:
    return Membership.objects.filter(brand_id=brand_id, role=Role.OWNER).count()


@transaction.atomic
def membership_change_role(*, actor: Any, membership_id: int, role: str) -> Membership:
    """Change a teammate's role in the actor's brand; the last owner stays an owner."""
    membership = Membership.objects.select_for_update().select_related("brand").get(id=membership_id)
    _require_owner(actor, membership.brand)
    if role not in Role.values:
        raise TeamError(_("Choose a role."))
    # Lock the brand's owners so two owners demoting each other at once cannot leave none.
    list(Membership.objects.select_for_update().filter(brand_id=membership.brand_id, role=Role.OWNER))
    if membership.role == Role.OWNER and role != Role.OWNER and _owners_left(membership.brand_id) <= 1:
        raise TeamError(_("A brand needs at least one owner."))
    membership.role = role
    membership.save(update_fields=["role"])
    forget_roles(actor)
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership_id: int) -> None:
    """Take a teammate off the actor's brand; the last owner cannot be removed."""
    membership = Membership.objects.select_for_update().select_related("brand", "user").get(id=membership_id)
    _require_owner(actor, membership.brand)
    list(Membership.objects.select_for_update().filter(brand_id=membership.brand_id, role=Role.OWNER))
    if membership.role == Role.OWNER and _owners_left(membership.brand_id) <= 1:
        raise TeamError(_("A brand needs at least one owner."))
    user = membership.user
    membership.delete()
    if not user.is_superuser and not Membership.objects.filter(user=user).exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_roles(actor)


def invitation_revoke(*, actor: Any, invitation_id: int) -> None:
    """Withdraw an open invitation: its link stops working."""
    invitation = Invitation.objects.select_related("brand").get(id=invitation_id)
    _require_owner(actor, invitation.brand)
    Invitation.objects.filter(id=invitation.id, accepted_at__isnull=True).update(expires_at=timezone.now())


def team_brands(*, actor: Any) -> list[Brand]:
    """The brands whose team this user manages."""
    from brands.selectors import brands_for_user

    return [brand for brand in brands_for_user(user=actor) if may_manage_team(actor=actor, brand=brand)]


def two_factor_required_set(*, actor: Any, brand: Brand, required: bool) -> None:
    """An owner asks everyone on the brand's staff for two-factor codes (from their next login)."""
    _require_owner(actor, brand)
    TeamPolicy.objects.update_or_create(brand=brand, defaults={"two_factor_required": required})


def two_factor_required_for(*, user: Any) -> bool:
    """Whether any brand this user works for asks its staff for two-factor codes."""
    return TeamPolicy.objects.filter(brand__memberships__user_id=user.pk, two_factor_required=True).exists()
