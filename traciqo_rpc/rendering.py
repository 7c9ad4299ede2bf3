"""JSON rendering shared by the dispatcher and the error handlers.

The dispatcher answers with a `Reply` sent as two raw ASGI messages; the Starlette routes
(pages, health, uploads) wrap the same bytes in a Response.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]
from typing import Any

from starlette.responses import Response
from starlette.types import Send

from .errors import TraciqoError


def json_datetime(value: dt.datetime) -> str:
    """A datetime as answers and event bodies show it (naive ones are UTC: marked Z). Hot paths
    that put one time in many bodies render it once with this instead of per body."""
    return value.isoformat() + ("Z" if value.tzinfo is None else "")


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return json_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _make_encoder() -> Callable[[Any], str]:
    """Compact UTF-8 JSON. json.dumps builds its C encoder anew on every call, which cost
    more than encoding a small answer; this builds it once (answers are trees: no cycle check)."""
    if c_make_encoder is None or c_encode_basestring is None:  # no C accelerator (e.g. PyPy)
        return json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":")).encode
    chunks = c_make_encoder(None, _default, c_encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(chunks(value, 0))


_encode = _make_encoder()


def dumps(value: Any) -> bytes:
    return _encode(value).encode("utf-8")


@dataclass
class Reply:
    """A complete HTTP answer: status, headers as ASGI byte pairs, body."""

    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def send(self, send: Send) -> None:
        headers = self.headers
        headers.append((b"content-length", b"%d" % len(self.body)))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})

    def to_response(self) -> Response:
        response = Response(self.body, status_code=self.status)  # sets content-length only
        response.raw_headers.extend(self.headers)
        return response


_JSON = (b"content-type", b"application/json")


def encode_headers(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


RawHeaders = list[tuple[bytes, bytes]]


def json_reply(body: Any, status: int = 200, headers: Mapping[str, str] | None = None,
               raw_headers: Sequence[tuple[bytes, bytes]] = ()) -> Reply:
    """`headers` by name, or `raw_headers` already as ASGI byte pairs (e.g. the rate window's)."""
    out = [_JSON]
    if headers:
        out += encode_headers(headers)
    out += raw_headers
    return Reply(status, dumps(body), out)


def error_reply(exc: TraciqoError, developer_mode: bool = False, extra_headers: Mapping[str, str] | None = None,
                raw_headers: Sequence[tuple[bytes, bytes]] = ()) -> Reply:
    """The error's body, with Frappe's `exc`: a JSON-encoded list holding the one-line error, or
    the traceback under TRACIQO_DEVELOPER_MODE=1 (Frappe's clients show `exc` to their users)."""
    body = exc.to_body()
    if developer_mode and exc.__cause__ is not None:
        body["exc"] = json.dumps(["".join(traceback.format_exception(exc.__cause__))])
    else:
        body["exc"] = json.dumps([f"{body['exc_type']}: {exc.message}"])
    return json_reply(body, exc.status, {**exc.headers, **(extra_headers or {})}, raw_headers)


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return json_reply(body, status, headers).to_response()


def error_response(exc: TraciqoError, developer_mode: bool = False, extra_headers: Mapping[str, str] | None = None) -> Response:
    return error_reply(exc, developer_mode, extra_headers).to_response()
