"""Non-JSON results a whitelisted function may return instead of plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileResult:
    """Bytes sent as they are (a QR PNG, a CSV export) instead of {"message": ...}."""

    content: bytes
    media_type: str
    filename: str | None = None
    max_age: int | None = None
