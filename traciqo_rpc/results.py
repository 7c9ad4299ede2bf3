"""Non-JSON results a whitelisted function may return instead of plain data."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class FileResult:
    """Bytes sent as they are (a QR PNG, a CSV export) instead of {"message": ...}."""

    content: bytes
    media_type: str
    filename: str | None = None
    max_age: int | None = None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOT_PLAIN_ASCII = re.compile(r'[^\x20-\x7e]|["\\/]')


def attachment(filename: str) -> str:
    """Content-Disposition for a download named `filename`, whatever the name holds (RFC 6266):
    a plain ASCII `filename` with anything else replaced, then the exact name as RFC 5987's
    `filename*` when it differs. Control characters and path separators never reach either."""
    name = _CONTROL.sub("", filename).replace("/", "_").replace("\\", "_").strip() or "download"
    unaccented = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    fallback = _NOT_PLAIN_ASCII.sub("_", unaccented)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += "; filename*=UTF-8''" + quote(name.encode("utf-8", "replace"), safe="")
    return value
