"""Helpers every doctype uses for tenant records: public ids, pagination, idempotent upserts."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import peewee
from marshmallow import Schema, ValidationError, fields, validate

from . import db
from .context import RequestContext


def public_id(random_bytes: int = 10) -> str:
    """An opaque id safe to show to clients: the creation time in milliseconds (12 hex digits)
    then random bits, by default 80 (32 hex digits in all, the layout of a UUIDv7). Time first,
    so new rows land at the end of the primary-key index instead of on a random page of it."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(random_bytes)}"


class Name(fields.String):
    """A required-looking name: surrounding spaces trimmed, blank refused, at most `max_length`."""

    def __init__(self, max_length: int = 255, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=max_length), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise ValidationError("Must not be blank.")
        return text


class UtcDateTime(fields.DateTime):
    """A date and time with or without an offset, loaded as naive UTC (how both databases store
    times); one that UTC cannot hold (year 1 at +05:00) is refused, not a crash."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        if loaded.tzinfo is None:
            return loaded
        try:
            return loaded.astimezone(dt.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            raise ValidationError("Out of range once converted to UTC.") from None


# Past any table we keep, and well inside the 64-bit integers both databases take.
MAX_OFFSET = 2**31 - 1


class PageArgs(Schema):
    """limit/offset pagination, as in Racko's API."""

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class Page(Schema):
    """What `paginate` answers around its rows; a doctype's page adds `data`, a list of its rows."""

    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


def ordered(query: peewee.ModelSelect, orders: Mapping[str, Sequence[Any]], order: str) -> peewee.ModelSelect:
    """`query` in the order `order` names: a key of `orders` (its columns, each ascending), or
    the key after a "-" (each descending). A doctype offers only orders an index gives."""
    descending = order.startswith("-")
    return query.order_by(*(column.desc() if descending else column.asc() for column in orders[order.lstrip("-")]))


def paginate(query: peewee.ModelSelect, limit: int, offset: int, row: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """{"data": [...], "total", "limit", "offset"} for one page of `query`."""
    return {
        "data": [row(item) for item in query.limit(limit).offset(offset)],
        "total": query.order_by().count(),
        "limit": limit,
        "offset": offset,
    }


def upsert_scoped(
    ctx: RequestContext,
    model: type[db.TenantModel],
    key: peewee.Field,
    key_value: Any,
    values: dict[str, Any],
    create: Callable[[], dict[str, Any]],
    attempts: int = 5,
) -> tuple[Any, bool, bool]:
    """Find the caller's row with `key == key_value`, updating the given `values` if they differ,
    or create it with `values` plus `create()` (e.g. a new number). Safe under concurrency:
    a unique index decides the race, and the loser reads the winner's row.

    Returns (row, created, updated).
    """
    for _ in range(attempts):
        row = model.scoped(ctx).where(key == key_value).first()
        if row is not None:
            changed = {name: value for name, value in values.items() if getattr(row, name) != value}
            if changed:
                for name, value in changed.items():
                    setattr(row, name, value)
                row.save(only=[getattr(model, name) for name in changed])
            return row, False, bool(changed)
        try:
            with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
                row = model.create(**{key.name: key_value}, **values, **create(), **model.scope_values(ctx))
            return row, True, False
        except peewee.IntegrityError:
            continue  # someone created it (or took the number) first: look again
    raise RuntimeError(f"could not upsert {model.__name__} {key_value!r} after {attempts} attempts")
