"""JSON rendering shared by the dispatcher and the error handlers."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from .errors import TraciqoError


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(dumps(body), status_code=status, headers=dict(headers or {}), media_type="application/json")


def error_response(exc: TraciqoError, developer_mode: bool = False, extra_headers: Mapping[str, str] | None = None) -> Response:
    body = exc.to_body()
    if developer_mode and exc.__cause__ is not None:
        body["exc"] = "".join(traceback.format_exception(exc.__cause__))
    headers = {**exc.headers, **(extra_headers or {})}
    return json_response(body, status=exc.status, headers=headers)
