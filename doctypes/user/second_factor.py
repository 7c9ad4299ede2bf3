"""The optional second factor: a time-based one-time code (TOTP, RFC 6238; pyotp) from an
authenticator app, asked for at every sign-in once a user turns it on.

Turning it on takes a code for the new secret (so a mistyped scan cannot lock anyone out);
turning it off takes a current code. A code is accepted one step (30 s) either side of now,
and each time step only once: a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp

from traciqo_rpc import errors

from .model import User

ISSUER = "traciqo"
DRIFT_STEPS = 1


class CodeRequired(errors.AuthenticationError):
    """The password was right; the account also wants its authenticator's code."""

    error_code = "otp_required"

    def default_message(self) -> str:
        return "Enter the 6-digit code from your authenticator app"


class CodeWrong(errors.ValidationError):
    """A code that does not match (or was used already) while turning the factor on or off."""


class NotTurnedOn(errors.ValidationError):
    """Turning off a second factor the account does not have, or confirming one never set up."""


def set_up(user: User) -> dict[str, Any]:
    """A new secret for the user's authenticator app, waiting for its first code (confirm)."""
    secret = pyotp.random_base32()
    User.update(totp_pending_secret=secret).where(User.id == user.id).execute()
    return _for_the_app(user, secret)


def pending(user: User) -> dict[str, Any] | None:
    """The secret set up and not yet confirmed, as set_up gave it (None when there is none)."""
    return _for_the_app(user, user.totp_pending_secret) if user.totp_pending_secret else None


def _for_the_app(user: User, secret: str) -> dict[str, Any]:
    return {"secret": secret, "otpauth_uri": pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)}


def confirm(user: User, code: str) -> dict[str, Any]:
    if not user.totp_pending_secret:
        raise NotTurnedOn("Set the second factor up first", field_errors={"code": ["Nothing to confirm."]})
    step = _accepted_step(user.totp_pending_secret, code, 0)
    if step is None:
        raise CodeWrong("That code does not match: check the app's clock and try the next one",
                        field_errors={"code": ["Wrong code."]})
    User.update(totp_secret=user.totp_pending_secret, totp_pending_secret=None, totp_last_step=step).where(
        User.id == user.id).execute()
    return {"enabled": True}


def turn_off(user: User, code: str) -> dict[str, Any]:
    if not user.totp_secret:
        raise NotTurnedOn("The second factor is not on", field_errors={"code": ["Not on."]})
    if not check(user, code):
        raise CodeWrong("That code does not match", field_errors={"code": ["Wrong code."]})
    User.update(totp_secret=None, totp_last_step=0).where(User.id == user.id).execute()
    return {"enabled": False}


def check(user: User, code: str | None) -> bool:
    """Whether `code` signs this user in now (recording its time step, so it works once)."""
    if not user.totp_secret or not code:
        return False
    step = _accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    # The update is conditional: two sign-ins racing with one code cannot both pass.
    return bool(User.update(totp_last_step=step).where(User.id == user.id, User.totp_last_step < step).execute())


def _accepted_step(secret: str, code: str, after: int) -> int | None:
    """The time step `code` belongs to (within the drift), if it is later than `after`."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after and pyotp.utils.strings_equal(totp.generate_otp(step), code.strip()):
            return step
    return None
