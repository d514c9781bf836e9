"""Optional two-factor codes (TOTP, django-otp) for staff: enrol, confirm, verify at login, turn off."""

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
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


def verify_code(*, user: Any, code: str) -> bool:
    """Whether a code is current for one of the user's devices; a code works once (django-otp)."""
    cleaned = _clean(code)
    if not cleaned.isdigit():
        return False
    return any(
        device.verify_token(cleaned) for device in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True)
    )


def two_factor_disable(*, user: Any, code: str) -> bool:
    """Turn two-factor off, only with a current code."""
    if not verify_code(user=user, code=code):
        return False
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    return True
