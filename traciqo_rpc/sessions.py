"""Signed-in people: the `sid` cookie, its attributes, and the CSRF check on every change a
cookie asks for.

The cookie carries a random token signed with the secret key (itsdangerous, with its age): a
tampered or expired cookie is no session at all. The token names a server-side session that
`hooks.session_loader` finds by the token's hash (the database never holds a usable token), so
signing out ends a session at once in every process. A new token is made at every sign-in.

CSRF applies to cookie sessions only: a call with API key headers is the key's, whatever
cookie comes with it (the key wins). A change (any verb but GET and HEAD) made with a cookie
must carry the session's CSRF token in `X-Frappe-CSRF-Token` or a `csrf_token` form field.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import errors

COOKIE = "sid"
CSRF_HEADER = b"x-frappe-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_VERBS = frozenset({"GET", "HEAD"})


class SessionCookie(NamedTuple):
    """What a request brought of a session: its token (signature checked) and the CSRF token it sent."""

    token: str
    csrf: str | None


@dataclass(frozen=True)
class SignedIn:
    """A method's answer that starts a session: the dispatcher sets the cookie for `token` and
    answers `{"message": message, **extra}` (Frappe's login answers beside its message)."""

    message: Any
    token: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SignedOut:
    """A method's answer that ends the session: the dispatcher clears the cookie."""

    message: Any


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session's token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def csrf_matches(sent: str | None, expected: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("ascii"))


class CookieJar:
    """Signs and reads the session cookie and writes its Set-Cookie headers."""

    def __init__(self, secret_key: str, max_age_seconds: int, secure: bool) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="traciqo.session")
        self.max_age = max_age_seconds
        self._attributes = f"Path=/; HttpOnly; SameSite=Lax{'; Secure' if secure else ''}"

    def read(self, headers: Mapping[bytes, bytes]) -> str | None:
        """The session token in the request's `sid` cookie, if its signature holds and it is not too old."""
        value = _cookie(headers.get(b"cookie"), COOKIE)
        if not value:
            return None
        try:
            token = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # tampered with, signed with another key, or expired
            return None
        return token if isinstance(token, str) else None

    def set_cookie(self, token: str) -> bytes:
        return f"{COOKIE}={self._serializer.dumps(token)}; Max-Age={self.max_age}; {self._attributes}".encode("ascii")

    def clear_cookie(self) -> bytes:
        return f"{COOKIE}=; Max-Age=0; {self._attributes}".encode("ascii")


def csrf_sent(headers: Mapping[bytes, bytes], arguments: dict[str, Any]) -> str | None:
    """The CSRF token a request sent: the header, or the form field (never one of the method's
    arguments). A field that is not text counts as none."""
    field = arguments.pop(CSRF_FIELD, None)
    header = headers.get(CSRF_HEADER)
    if header is not None:
        return header.decode("latin-1")
    return field if isinstance(field, str) else None


def _cookie(header: bytes | None, name: str) -> str | None:
    """One cookie's value from a Cookie header (`a=1; b=2`); the first wins if it repeats."""
    if not header:
        return None
    for part in header.decode("latin-1").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip().strip('"')
    return None


def refuse_without_csrf(verb: str, sent: str | None, expected: str) -> None:
    if verb not in SAFE_VERBS and not csrf_matches(sent, expected):
        raise errors.CsrfTokenInvalid()
