"""API key authentication: the three header forms, constant-time secret check, a short cache.

Verified principals are cached per (key, secret digest) for a couple of seconds so the hot
path does no database work. Any credential, workspace or plan change bumps a generation
counter after commit (traciqo_rpc.caching: in Redis, or in memory in the embedded mode);
every request reads it with its rate window, so a rotated secret is refused at once by
every process.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from . import errors
from .principal import Principal

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
SANDBOX_FLAGS = _TRUE | _FALSE  # the values X-Traciqo-Sandbox may take, in any case


class Credentials(NamedTuple):
    api_key: str
    secret: str
    force_sandbox: bool


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    """32+ random bytes, URL-safe; shown once, stored only as a SHA-256 hash."""
    return secrets.token_urlsafe(32)


# Each credential form, by the headers that carry it. A request names one form, once: with
# repeats or two forms, which one counts would be the server's guess (a dict keeps the last
# header, so garbage then a valid key was let in). A new form joins this table.
CREDENTIAL_FORMS = {
    "X-Traciqo-API-Key and X-Traciqo-API-Secret": (b"x-traciqo-api-key", b"x-traciqo-api-secret"),
    "Authorization (token, Basic or Bearer)": (b"authorization",),
    "X-API-Key": (b"x-api-key",),  # the one-token form of Trakor's and Tracee's clients
    # Racko's clients: the key, and the secret as issued (Racko's dashboard shows it base64-encoded).
    "RACKO-API-KEY and RACKO-SECRET": (b"racko-api-key", b"racko-secret"),
}
# Headers that must not repeat: the credentials' and the environment's.
SINGLE_HEADERS = frozenset({b"x-traciqo-sandbox", *(name for names in CREDENTIAL_FORMS.values() for name in names)})


def parse_credentials(headers: Mapping[bytes, bytes],
                      raw_headers: Sequence[tuple[bytes, bytes]] = ()) -> Credentials | None:
    """Credentials in any form of CREDENTIAL_FORMS; None if absent.

    `headers` are the request's, as the ASGI server delivers them (lower-case byte names, so
    X-API-KEY is X-API-Key), and `raw_headers` the list they came from, where a repeated name
    still shows (400 for a repeated credential or environment header, or two credential forms).
    """
    if len(raw_headers) > len(headers):  # some name repeats: one of ours?
        _refuse_repeated(raw_headers)
    force = sandbox_forced(headers)
    forms = [form for form, names in CREDENTIAL_FORMS.items() if any(name in headers for name in names)]
    if not forms:
        return None
    if len(forms) > 1:
        raise errors.InvalidRequest(f"Send credentials in one form, not two: {' or '.join(forms)}")
    names = CREDENTIAL_FORMS[forms[0]]
    if len(names) == 2:  # a key header and a secret header, which come together
        key, secret = headers.get(names[0]), headers.get(names[1])
        if not key or not secret:
            raise errors.AuthenticationError(f"Send both {forms[0]}")
        return Credentials(key.decode("latin-1").strip(), secret.decode("latin-1").strip(), force)
    token = headers.get(b"x-api-key")
    pair = token.decode("latin-1") if token is not None else _authorization(headers[b"authorization"])
    return token_credentials(pair, force)


def sandbox_forced(headers: Mapping[bytes, bytes]) -> bool:
    """Does X-Traciqo-Sandbox ask for the sandbox? (400 for a value that is neither yes nor no.)"""
    sandbox = headers.get(b"x-traciqo-sandbox")
    return _parse_sandbox_flag(sandbox.decode("latin-1")) if sandbox is not None else False


def token_credentials(token: str, force_sandbox: bool) -> Credentials:
    """The one-token form, `<api_key>:<api_secret>`."""
    key_text, sep, secret_text = token.strip().partition(":")
    if not sep or not key_text or not secret_text:
        raise errors.AuthenticationError("Credentials must be '<api_key>:<api_secret>'")
    return Credentials(key_text, secret_text, force_sandbox)


def _authorization(value: bytes) -> str:
    """`token k:s` (Frappe), `Basic base64(k:s)` or `Bearer k:s` (one token) -> "k:s"."""
    scheme, _, rest = value.decode("latin-1").strip().partition(" ")
    scheme = scheme.lower()
    if scheme in ("token", "bearer"):
        return rest.strip()
    if scheme == "basic":
        try:
            return base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise errors.AuthenticationError("Malformed Basic credentials") from None
    raise errors.AuthenticationError("Unsupported Authorization scheme: use 'token <key>:<secret>', "
                                     "'Bearer <key>:<secret>' or Basic")


def _refuse_repeated(raw_headers: Sequence[tuple[bytes, bytes]]) -> None:
    seen: set[bytes] = set()
    for name, _ in raw_headers:
        if name in SINGLE_HEADERS:
            if name in seen:
                raise errors.InvalidRequest(f"The {name.decode('latin-1')} header must be sent once")
            seen.add(name)


def _parse_sandbox_flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise errors.InvalidRequest("X-Traciqo-Sandbox must be true or false")


PrincipalLoader = Callable[[str], "Principal | None"]


class Authenticator:
    """Verifies credentials against the principal loader (hooks.principal_loader), with a TTL cache."""

    def __init__(self, loader: PrincipalLoader, cache_seconds: float) -> None:
        self._loader = loader
        self._ttl = cache_seconds
        self._cache: dict[tuple[str, str], tuple[Principal, float, int | None]] = {}
        self._lock = threading.Lock()

    def cached(self, creds: Credentials) -> tuple[Principal, int | None] | None:
        """A verified principal and the generation it was loaded at, if cached and fresh."""
        entry = self._cache.get((creds.api_key, hash_secret(creds.secret)))
        if entry is None or time.monotonic() > entry[1]:
            return None
        return entry[0], entry[2]

    def verify(self, creds: Credentials, generation: int | None) -> Principal:
        """Load the key and compare the secret in constant time; caches the result."""
        digest = hash_secret(creds.secret)
        principal = self._loader(creds.api_key)
        # Compare even when the key is unknown, so timing does not reveal which keys exist.
        expected = principal.secret_hash if principal else hash_secret(secrets.token_hex(16))
        if not hmac.compare_digest(expected, digest) or principal is None:
            raise errors.AuthenticationError()
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[(creds.api_key, digest)] = (principal, time.monotonic() + self._ttl, generation)
        return principal

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


def permit(principal: Principal, force_sandbox: bool = False) -> Principal:
    """Apply the sandbox header and refuse frozen workspaces or plans without API access."""
    if not principal.workspace_active:
        raise errors.WorkspaceInactive(f"Workspace {principal.workspace_name} is inactive")
    if not principal.api_access:
        raise errors.ApiAccessNotInPlan(f"The {principal.plan} plan does not include API access")
    return principal.forced_to_sandbox() if force_sandbox else principal


def require_right(principal: Principal, right: str, path: str) -> None:
    """403 unless the caller may do what the method needs: a person's role names the right
    missing ("You don't have a write permission"), a key its missing scope."""
    if right in principal.rights:
        return
    if principal.is_person:
        raise errors.RightMissing(f"You don't have a {right} permission")
    scope = "read" if right == "read" else "write"
    raise errors.KeyScopeMissing(f"This key has no {scope} scope, which {path} needs")
