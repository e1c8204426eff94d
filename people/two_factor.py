"""Two-factor authentication: an authenticator app's codes (TOTP, RFC 6238) and ten recovery
codes, each usable once. Optional for everyone, required of the accounts `two_factor_required`
names. No HTTP here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext

from lifestream.core.errors import FieldError, InvalidInput

from .models import RecoveryCode, TwoFactor, User

ISSUER = "Lifestream"
RECOVERY_CODES = 10
# A code from the step before or after the current one is taken too (clocks drift).
DRIFT_STEPS = 1


def two_factor_required(user: object) -> bool:
    """Whether `user` must have two-factor authentication on before using the archive: the
    accounts that can act on other people's things (admins and superusers, moderators, staff,
    tag wranglers)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return bool(user.can_moderate or user.is_staff or user.is_tag_wrangler)


def why_required(user: User) -> str:
    """The notice of an account that must set two-factor up, in the words of its strongest
    role (admin, moderator, staff, tag wrangler); empty for an account that need not."""
    if user.is_admin:
        return gettext(
            "As an admin, you can act on other people's works, comments, bookmarks, accounts "
            "and reports, and give roles, so your account has to use two-factor "
            "authentication. Set it up to go on using the archive."
        )
    if user.is_moderator:
        return gettext(
            "As a moderator, you can act on other people's works, comments, bookmarks, "
            "accounts and reports, so your account has to use two-factor authentication. Set "
            "it up to go on using the archive."
        )
    if user.is_staff:
        return gettext(
            "Your account can act on other people's works, comments, bookmarks, accounts and "
            "reports, so it has to use two-factor authentication. Set it up to go on using "
            "the archive."
        )
    if user.is_tag_wrangler:
        return gettext(
            "As a tag wrangler, you change how everyone's works are filed, so your account "
            "has to use two-factor authentication. Set it up to go on using the archive."
        )
    return ""


def setting_of(user: User) -> TwoFactor | None:
    return TwoFactor.objects.filter(user=user).first()


def is_on(user: User) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _refuse(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message)])


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("utf-8")).hexdigest()


@transaction.atomic
def start_setup(user: User) -> TwoFactor:
    """A new secret for `user`, not yet on (a secret from an earlier unfinished setup is
    replaced). Refused when two-factor is already on."""
    current = setting_of(user)
    if current is not None and current.is_on:
        raise _refuse("code", "already_on", gettext("Two-factor authentication is already on."))
    if current is not None:
        current.delete()
    return TwoFactor.objects.create(user=user, secret=pyotp.random_base32(32))


def provisioning_uri(setting: TwoFactor) -> str:
    """The otpauth:// address an authenticator app reads (from the QR code or pasted)."""
    return pyotp.TOTP(setting.secret).provisioning_uri(
        name=setting.user.username, issuer_name=ISSUER
    )


def qr_svg(uri: str, title: str) -> str:
    """The QR code of `uri` as inline SVG markup, made here (no outside service)."""
    return str(
        segno.make(uri, error="m").svg_inline(scale=4, title=title, dark="#000", light="#fff")
    )


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = _normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(dt.datetime.fromtimestamp(now, tz=dt.UTC))
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def _take_step(setting: TwoFactor, step: int) -> bool:
    """Mark `step` used; False if it (or a later one) was used already: a replayed code."""
    return bool(TwoFactor.objects.filter(pk=setting.pk, last_step__lt=step).update(last_step=step))


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


@transaction.atomic
def confirm_setup(user: User, code: str, now: float | None = None) -> list[str]:
    """Turn two-factor on with a first good code from the app; returns the recovery codes,
    which are shown once (only their hashes are kept)."""
    setting = TwoFactor.objects.select_for_update().filter(user=user).first()
    if setting is None:
        raise _refuse("code", "not_started", gettext("Start setting up two-factor first."))
    if setting.is_on:
        raise _refuse("code", "already_on", gettext("Two-factor authentication is already on."))
    step = _matching_step(setting.secret, code, time.time() if now is None else now)
    if step is None or not _take_step(setting, step):
        raise _refuse("code", "wrong_code", _wrong_code_message())
    setting.confirmed_at = timezone.now()
    setting.save(update_fields=["confirmed_at"])
    return _new_recovery_codes(user)


def _wrong_code_message() -> str:
    return gettext(
        "That code is not right. Enter the 6-digit code your authenticator app shows now "
        "(each code works once)."
    )


def check_code(user: User, code: str, now: float | None = None) -> bool:
    """Whether `code` is a current code of `user`'s app, not used before, or one of their
    unused recovery codes (which is then used up)."""
    setting = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if setting is None or not code.strip():
        return False
    step = _matching_step(setting.secret, code, time.time() if now is None else now)
    if step is not None:
        return _take_step(setting, step)
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
    )


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def regenerate_recovery_codes(user: User, code: str, now: float | None = None) -> list[str]:
    """Ten new recovery codes in place of the old ones, given a good code."""
    if not check_code(user, code, now):
        raise _refuse("code", "wrong_code", _wrong_code_message())
    return _new_recovery_codes(user)


@transaction.atomic
def turn_off(user: User, password: str, code: str, now: float | None = None) -> None:
    """Turn two-factor off, given the password and a good code (or recovery code). Accounts
    that must have it (`two_factor_required`) can't."""
    if two_factor_required(user):
        raise _refuse(
            "code",
            "required",
            gettext("Your account has to keep two-factor authentication on."),
        )
    if not user.check_password(password):
        raise _refuse("password", "wrong_password", gettext("That password is not right."))
    if not check_code(user, code, now):
        raise _refuse("code", "wrong_code", _wrong_code_message())
    TwoFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
