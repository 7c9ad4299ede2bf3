"""Signed, expiring links for email: an invitation (a week) and a password reset (an hour).

Each is the secret key's signature (itsdangerous, with its time) over what the link names. A
reset link also carries the end of the password hash it was made for, so it works once: the
new password's hash no longer matches it.
"""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from traciqo_rpc.context import RequestContext

INVITE_SECONDS = 7 * 24 * 3600
RESET_SECONDS = 3600
_INVITE, _RESET = "traciqo.invite", "traciqo.password-reset"


def invite_token(ctx: RequestContext, invitation_id: int) -> str:
    return _serializer(ctx, _INVITE).dumps(invitation_id)


def invitation_of(ctx: RequestContext, token: str) -> int | None:
    found = _read(ctx, _INVITE, token, INVITE_SECONDS)
    return found if isinstance(found, int) else None


def reset_token(ctx: RequestContext, user_id: int, password_hash: str) -> str:
    return _serializer(ctx, _RESET).dumps([user_id, password_hash[-16:]])


def reset_of(ctx: RequestContext, token: str) -> tuple[int, str] | None:
    """(user id, the end of the password hash the link was made for), if the link holds."""
    found = _read(ctx, _RESET, token, RESET_SECONDS)
    if isinstance(found, list) and len(found) == 2 and isinstance(found[0], int) and isinstance(found[1], str):
        return found[0], found[1]
    return None


def _serializer(ctx: RequestContext, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.services.secret_key, salt=salt)


def _read(ctx: RequestContext, salt: str, token: str, max_age: int) -> Any:
    try:
        return _serializer(ctx, salt).loads(token, max_age=max_age)
    except BadSignature:  # tampered with, another key's, or too old
        return None
