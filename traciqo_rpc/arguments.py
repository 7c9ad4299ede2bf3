"""Merging query string, form and JSON arguments, the way Frappe clients send them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from marshmallow import Schema, fields
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Receive, Scope

from .errors import InvalidRequest

_STRUCTURED = (fields.List, fields.Dict, fields.Nested, fields.Tuple)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_body(scope: Scope, receive: Receive,
                    headers: Mapping[bytes, bytes]) -> tuple[dict[str, Any], FormData | None]:
    """The JSON object or form of the body (the dispatcher calls this only for verbs that
    carry one); 400 for anything unparseable."""
    content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    if content_type in _FORM_TYPES:
        try:
            return {}, await Request(scope, receive).form()
        except Exception as exc:  # malformed multipart
            raise InvalidRequest(f"Malformed form body: {exc}") from None
    body = await _read_all(receive)
    if not body.strip():
        return {}, None
    if content_type in ("application/json", "") or content_type.endswith("+json"):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise InvalidRequest("Request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise InvalidRequest("JSON body must be an object of named arguments")
        return data, None
    raise InvalidRequest(f"Unsupported content type {content_type!r}: send JSON or a form")


async def _read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise InvalidRequest("The client went away before sending the whole body")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def merge(schema: Schema, query_string: bytes, form: FormData | None, json_body: dict[str, Any]) -> dict[str, Any]:
    """Query string first, then form, then JSON: a name in the body wins over the query string."""
    merged: dict[str, Any] = {}
    if query_string:
        # parse_qsl as Starlette's QueryParams uses it, without the multi-dict around it (half
        # the cost of parsing a scan's one-argument query).
        for key, values in _grouped(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)).items():
            merged[key] = _coerce(schema.fields.get(key), values)
    if form is not None:
        for key in form.keys():
            merged[key] = _coerce(schema.fields.get(key), form.getlist(key))
    merged.update(json_body)
    return merged


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _coerce(field: fields.Field | None, values: list[Any]) -> Any:
    """Repeated keys become lists; a list/dict argument may arrive JSON-encoded in one value."""
    if isinstance(field, _STRUCTURED) and len(values) == 1 and isinstance(values[0], str):
        text = values[0].strip()
        if text[:1] in ("[", "{"):
            try:
                return json.loads(text)
            except ValueError:
                return values[0]
    if isinstance(field, fields.List):
        return values
    return values[0] if len(values) == 1 else values
