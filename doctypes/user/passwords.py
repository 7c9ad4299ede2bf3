"""Passwords, hashed with argon2id (argon2-cffi's defaults, which follow RFC 9106)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_NOBODY = _hasher.hash(secrets.token_urlsafe(16))

MIN_LENGTH, MAX_LENGTH = 10, 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was made from; with no stored hash, as slow and False."""
    try:
        return _hasher.verify(stored or _NOBODY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at sign-in)."""
    return _hasher.check_needs_rehash(stored)


def generated() -> str:
    """A password for the CLI to print once: 96 random bits, URL-safe."""
    return secrets.token_urlsafe(12)
