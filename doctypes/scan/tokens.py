"""Scan tokens: the page that recorded a scan may add the browser's location to it, for a while.

A token is `<scan id>.<issue time, hex seconds>.<keyed BLAKE2b of both>`. Every verification
signs one: itsdangerous's HMAC (through OpenSSL, behind its own layers) cost a tenth of a
verification's Python, while BLAKE2 takes a key natively (a MAC without the HMAC construction)
and ships with Python. Upload links, signed once per upload, keep itsdangerous.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time

_PERSON = b"scan-location"  # binds the key to this one use
_DIGEST_SIZE = 16
_CLOCK_SKEW = 5  # seconds a token may seem to come from the future (several web processes)


@functools.lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    return hashlib.blake2b(secret_key.encode(), digest_size=32, person=_PERSON).digest()


def _mac(key: bytes, value: str) -> str:
    return hashlib.blake2b(value.encode(), key=key, digest_size=_DIGEST_SIZE).hexdigest()


def issue(secret_key: str, scan_id: int, now: float | None = None) -> str:
    value = f"{scan_id}.{int(time.time() if now is None else now):x}"
    return f"{value}.{_mac(_key(secret_key), value)}"


def scan_id_from(secret_key: str, token: str, max_age: int, now: float | None = None) -> int | None:
    """The scan a token names, or None when it is malformed, forged or older than `max_age` seconds."""
    value, _, signature = token.rpartition(".")
    scan_text, _, issued_text = value.partition(".")
    if not (scan_text.isascii() and scan_text.isdigit() and issued_text):
        return None
    if not hmac.compare_digest(_mac(_key(secret_key), value).encode(), signature.encode()):  # any text may arrive
        return None
    try:
        age = (time.time() if now is None else now) - int(issued_text, 16)
    except ValueError:
        return None
    return int(scan_text) if -_CLOCK_SKEW <= age <= max_age else None
