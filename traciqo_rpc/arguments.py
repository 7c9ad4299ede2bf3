"""Merging query string, form and JSON arguments, the way Frappe clients send them, and
loading them through a method's schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

import marshmallow
from marshmallow import Schema, fields
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message, Receive, Scope

from .errors import InvalidRequest, PayloadTooLarge, TraciqoError, ValidationError
from .registry import MethodSpec
from .untrusted import NotJson, check_arguments, loads_json

_STRUCTURED = (fields.List, fields.Dict, fields.Nested, fields.Tuple)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_body(scope: Scope, receive: Receive, headers: Mapping[bytes, bytes],
                    limit: int) -> tuple[dict[str, Any], FormData | None]:
    """The JSON object or form of the body (the dispatcher calls this only for verbs that
    carry one), reading at most `limit` bytes: 413 past it, 400 for anything unparseable."""
    receive = _bounded(receive, limit, headers.get(b"content-length"))
    content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
    if content_type in _FORM_TYPES:
        try:
            return {}, await Request(scope, receive).form()
        except TraciqoError:
            raise
        except Exception as exc:  # malformed multipart, too many fields or files
            raise InvalidRequest(f"Malformed form body: {exc}") from None
    body = await _read_all(receive)
    if not body.strip():
        return {}, None
    if content_type in ("application/json", "") or content_type.endswith("+json"):
        data = loads_json(body)
        if not isinstance(data, dict):
            raise InvalidRequest("JSON body must be an object of named arguments")
        return data, None
    raise InvalidRequest(f"Unsupported content type {content_type!r}: send JSON or a form")


def declared_length(value: bytes | None) -> int | None:
    """The Content-Length header as a number (None when absent); 400 when it is not one."""
    if value is None:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidRequest("Content-Length must be a number of bytes")
    return int(value)


def _bounded(receive: Receive, limit: int, content_length: bytes | None) -> Receive:
    """`receive` that stops with 413 once the body passes `limit` bytes, before reading more
    when the declared length already does."""
    declared = declared_length(content_length)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    received = 0

    async def bounded_receive() -> Message:
        nonlocal received
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise BodyTooLarge(limit)
        return message

    return bounded_receive


class BodyTooLarge(PayloadTooLarge):
    def __init__(self, limit: int) -> None:
        # Close the connection: the rest of the body is not worth reading to keep it alive.
        super().__init__(f"The request body is larger than this method accepts ({limit:,} bytes)",
                         headers={"Connection": "close"})


async def read_raw_body(receive: Receive, raw_headers: Sequence[tuple[bytes, bytes]], limit: int) -> bytes:
    """The whole body as bytes, at most `limit` of them (413 past it)."""
    return await _read_all(_bounded(receive, limit, dict(raw_headers).get(b"content-length")))


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
                return loads_json(text, "A JSON-encoded argument")
            except NotJson:
                return values[0]  # not JSON after all: the schema says what it should be
    if isinstance(field, fields.List):
        return values
    return values[0] if len(values) == 1 else values


def load_arguments(spec: MethodSpec, raw_args: dict[str, Any]) -> dict[str, Any]:
    """The method's arguments, checked for hostile shapes and loaded through its schema (417)."""
    if not raw_args and not spec.schema.fields:
        return {}  # nothing to validate, nothing to default
    check_arguments(raw_args)
    try:
        return spec.schema.load(raw_args)
    except marshmallow.ValidationError as exc:
        messages = exc.normalized_messages()
        summary = "; ".join(f"{name}: {_first(problem)}" for name, problem in messages.items())
        raise ValidationError(f"Invalid arguments: {summary}", field_errors=messages) from None


def _first(problem: Any) -> str:
    if isinstance(problem, list) and problem:
        return _first(problem[0])
    if isinstance(problem, dict) and problem:
        key, value = next(iter(problem.items()))
        return f"{key}: {_first(value)}"
    return str(problem)
