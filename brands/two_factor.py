"""Optional two-factor codes (TOTP, django-otp) for staff: enrol, confirm, verify at login, turn off."""

import base64
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "console"
MAX_CODE_LENGTH = 10


def has_two_factor(*, user: Any) -> bool:
    return bool(user.pk) and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def pending_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device an enrolment shows, created once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(*, device: TOTPDevice) -> str:
    """The key as base32 text, for typing into an app instead of scanning."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(*, device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(image.to_string(encoding="unicode"))


def _clean(code: str) -> str:
    return "".join(code.split())[:MAX_CODE_LENGTH]


@transaction.atomic
def two_factor_confirm(*, user: Any, code: str) -> bool:
    """Turn two-factor on when the code matches the pending device; earlier devices are dropped."""
    device = TOTPDevice.objects.select_for_update().filter(user_id=user.pk, confirmed=False).first()
    cleaned = _clean(code)
    if device is None or not cleaned.isdigit() or not device.verify_token(cleaned):
        return False
    TOTPDevice.objects.filter(user_id=user.pk).exclude(id=device.id).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def two_factor_may_turn_off(*, user: Any) -> bool:
    """Staff of a brand that requires codes keep them on."""
    from brands.team import two_factor_required_for

    return bool(user.is_superuser) or not two_factor_required_for(user=user)


def verify_code(*, user: Any, code: str) -> bool:
    """Whether a code is current for one of the user's devices; a code works once (django-otp)."""
    cleaned = _clean(code)
    if not cleaned.isdigit():
        return False
    return any(
        device.verify_token(cleaned) for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True)
    )


def two_factor_disable(*, user: Any, code: str) -> bool:
    """Turn two-factor off, only with a current code and where no brand of theirs requires it."""
    if not two_factor_may_turn_off(user=user) or not verify_code(user=user, code=code):
        return False
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    return True


ENROL_SESSION_KEY = "two_factor_enrol_required"
# Set when this session proved a code: at a login that asked for one, or when enrolling.
VERIFIED_SESSION_KEY = "two_factor_verified"


@receiver(user_logged_in)
def _ask_for_enrolment(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Staff of a brand that requires codes, without a device yet, are sent to enrol before anything else."""
    from brands.team import two_factor_required_for

    if request is None or getattr(request, "session", None) is None:
        return
    enrolled = has_two_factor(user=user)
    if enrolled:
        # The console's only login of an enrolled user is StaffLoginForm, which refused it without a code.
        request.session[VERIFIED_SESSION_KEY] = True
    must = not user.is_superuser and two_factor_required_for(user=user) and not enrolled
    if must:
        request.session[ENROL_SESSION_KEY] = True
    else:
        request.session.pop(ENROL_SESSION_KEY, None)


class TwoFactorEnrolmentMiddleware:
    """While enrolment is owed, every console page but one's account (and logging out) leads there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or not request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        account = reverse("staff-account")
        allowed = (account, reverse("admin:logout"), reverse("admin:jsi18n"))
        if request.path in allowed:
            return self.get_response(request)
        if session.get(ENROL_SESSION_KEY):
            return HttpResponseRedirect(account)
        if not session.get(VERIFIED_SESSION_KEY) and self._codes_now_required(request):
            # A brand started requiring codes after this session began: it proves one, or enrols.
            if has_two_factor(user=request.user):
                logout(request)
                return HttpResponseRedirect(f"{reverse('admin:login')}?next={request.path}")
            session[ENROL_SESSION_KEY] = True
            return HttpResponseRedirect(account)
        return self.get_response(request)

    @staticmethod
    def _codes_now_required(request: HttpRequest) -> bool:
        from brands.permissions import two_factor_required_of

        user = request.user
        if not user.is_authenticated or not user.is_staff or user.is_superuser:
            return False
        return two_factor_required_of(user)
