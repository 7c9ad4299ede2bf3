"""Idempotency-Key on authenticated calls that change things (every verb but GET): the same key
with the same arguments within 24 hours replays the first answer (status and body) without
doing the work again; with other arguments it is 409 `idempotency_mismatch`; a duplicate that
arrives while the first still runs waits for it.

Keys are per API key and environment. A call claims its key before it runs, and its answer is
stored in the call's own transaction, so the change and the answer to replay commit together.
A call that fails changed nothing: its claim is released and a retry runs it again. Storage
is hooks.idempotency_store (the doctype idempotency_key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

from . import errors

HEADER = b"idempotency-key"
LEASE = dt.timedelta(minutes=2)  # a claim older than this, still pending, died with its process
WAIT_SECONDS = 30.0  # how long a duplicate waits for the call that holds its key
_POLL_SECONDS = 0.05
_KEY_CHARACTERS = frozenset(chr(code) for code in range(0x21, 0x7F))  # visible ASCII


class Scope(NamedTuple):
    workspace_id: int
    is_sandbox: bool
    api_key_id: int


class Stored(NamedTuple):
    """An answer as it was sent."""

    status: int
    content_type: str
    body: bytes


class Claimed(NamedTuple):
    record_id: int


class Replay(NamedTuple):
    stored: Stored


class Mismatch(NamedTuple):
    pass


class Busy(NamedTuple):
    pass


class IdempotencyStore(Protocol):
    def claim(self, scope: Scope, key: str, fingerprint: str, now: dt.datetime,
              lease: dt.timedelta) -> Claimed | Replay | Mismatch | Busy: ...

    def complete(self, claim: Claimed, stored: Stored) -> None: ...

    def release(self, claim: Claimed) -> None: ...


class IdempotencyMismatch(errors.DuplicateEntryError):
    error_code = "idempotency_mismatch"


class IdempotencyInProgress(errors.DuplicateEntryError):
    error_code = "idempotency_in_progress"


def read_key(headers: Mapping[bytes, bytes]) -> str | None:
    """The Idempotency-Key header: 1 to 255 visible ASCII characters (400 otherwise)."""
    value = headers.get(HEADER)
    if value is None:
        return None
    key = value.decode("latin-1").strip()
    if not 0 < len(key) <= 255 or not set(key) <= _KEY_CHARACTERS:
        raise errors.InvalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters")
    return key


def fingerprint(http_method: str, method_path: str, arguments: Mapping[str, Any]) -> str:
    """What makes two calls the same call: the verb, the method and its arguments as sent."""
    canonical = json.dumps([http_method, method_path, arguments], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def claim(store: IdempotencyStore, scope: Scope, key: str, print_: str,
          clock: Callable[[], dt.datetime]) -> Claimed | Replay:
    """Claim the key for this call, or the stored answer to replay; waits while another call
    holds it. 409 for other arguments, or when the holder runs longer than WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        outcome = store.claim(scope, key, print_, clock(), LEASE)
        if isinstance(outcome, (Claimed, Replay)):
            return outcome
        if isinstance(outcome, Mismatch):
            raise IdempotencyMismatch("This Idempotency-Key was used with other arguments; use a new key")
        if time.monotonic() > deadline:
            raise IdempotencyInProgress("A call with this Idempotency-Key is still running; retry later")
        time.sleep(_POLL_SECONDS)
