"""Frappe's filters, checked and turned into peewee expressions.

Accepted, as Frappe's clients send them: a dict (`{"status": "active"}`, `{"price": [">", 5]}`)
or a list of `[field, op, value]` (or `[doctype, field, op, value]`). Operators: = != < > <=
>= like, not like, in, not in, between, is (`set` / `not set`). Each value is loaded with the
marshmallow field that matches its column, so a filter that cannot match its column's type is
a 417 naming it, never a database error.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import peewee
from marshmallow import ValidationError, fields, validate

from . import errors
from .records import UtcDateTime

OPERATORS = ("=", "!=", "<", ">", "<=", ">=", "like", "not like", "in", "not in", "between", "is")
MAX_FILTERS = 20  # conditions in one filters or or_filters argument
MAX_VALUES = 1000  # values of one `in` / `not in`
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}


class Filterable(NamedTuple):
    """A column filters may name, and how a value clients see becomes the stored one (e.g. a
    code as printed, with its dashes, to the stored form)."""

    column: peewee.Field
    store: Callable[[Any], Any] | None = None


_PATTERN = Filterable(peewee.CharField(max_length=1000))  # a like pattern is text, whatever its column
_SHOWN = fields.String(validate=validate.Length(max=1000))


class InvalidFilter(errors.ValidationError):
    """A filter names a field that cannot be filtered, an unknown operator or a value its column cannot hold."""


class DateOrDateTime(UtcDateTime):
    """A datetime column compared with a date means that day's midnight, as in Frappe."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
            except ValueError:
                pass
        return super()._deserialize(value, attr, data, **kwargs)


def value_field(column: peewee.Field) -> fields.Field:
    """The marshmallow field a filter value on this column is loaded with."""
    if isinstance(column, peewee.BooleanField):
        return fields.Boolean()
    if isinstance(column, (peewee.IntegerField, peewee.AutoField, peewee.BigIntegerField)):
        return fields.Integer(strict=False, validate=validate.Range(min=-(2**63), max=2**63 - 1))
    if isinstance(column, peewee.FloatField):
        return fields.Float(allow_nan=False)
    if isinstance(column, peewee.DecimalField):
        return fields.Decimal(allow_nan=False, validate=validate.Range(min=-(10**15), max=10**15))
    if isinstance(column, peewee.DateTimeField):
        return DateOrDateTime()
    if isinstance(column, peewee.DateField):
        return fields.Date()
    return fields.String(validate=validate.Length(max=getattr(column, "max_length", None) or 1000))


def conditions(raw: Any, columns: Mapping[str, Filterable], doctype: str, argument: str) -> list[Any]:
    """The peewee expressions of one filters argument; `columns` are the fields that may be filtered."""
    if raw is None or raw == {} or raw == []:
        return []
    if isinstance(raw, dict):
        entries = [[name, *(value if _is_op_pair(value) else ["=", value])] for name, value in raw.items()]
    elif isinstance(raw, list) and all(isinstance(entry, list) for entry in raw):
        entries = raw
    elif isinstance(raw, list) and len(raw) in (3, 4) and isinstance(raw[0], str) and not isinstance(raw[-1], list | dict) \
            and raw[-2] in OPERATORS:
        entries = [raw]  # one condition, not wrapped in a list
    else:
        raise _invalid(argument, "Must be an object of field: value or a list of [field, operator, value].")
    if len(entries) > MAX_FILTERS:
        raise _invalid(argument, f"At most {MAX_FILTERS} conditions.")
    return [_condition(entry, columns, doctype, argument) for entry in entries]


def _is_op_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and value[0].lower() in OPERATORS


def _condition(entry: list[Any], columns: Mapping[str, Filterable], doctype: str, argument: str) -> Any:
    if len(entry) == 4:
        if entry[0] != doctype:
            raise _invalid(argument, f"A condition on {entry[0]!r} in a list of {doctype}.")
        entry = entry[1:]
    if len(entry) == 2:
        entry = [entry[0], "=", entry[1]]
    if len(entry) != 3 or not isinstance(entry[0], str) or not isinstance(entry[1], str):
        raise _invalid(argument, "Each condition is [field, operator, value].")
    name, op, value = entry[0], entry[1].strip().lower(), entry[2]
    target = columns.get(name)
    if target is None:
        raise _invalid(argument, f"{name!r} cannot be filtered: filter on {', '.join(sorted(columns))} (indexed fields).")
    column = target.column
    if op not in OPERATORS:
        raise _invalid(argument, f"Unknown operator {op!r}: use one of {', '.join(OPERATORS)}.")
    if op == "is":
        return _is_set(column, value, argument)
    if op in ("in", "not in"):
        values = [_load(target, item, argument, name) for item in _listed(value, argument)]
        return column.in_(values) if op == "in" else column.not_in(values)
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise _invalid(argument, f"{name}: between takes [low, high].")
        return column.between(_load(target, value[0], argument, name), _load(target, value[1], argument, name))
    if op in ("like", "not like"):
        pattern = _load(_PATTERN, value, argument, name)
        matched = column ** pattern  # ILIKE on PostgreSQL, LIKE (case-blind for ASCII) on SQLite
        return matched if op == "like" else ~matched
    if value is None:
        if op in ("=", "!="):
            return column.is_null(op == "=")
        raise _invalid(argument, f"{name}: {op} takes a value.")
    return _COMPARE[op](column, _load(target, value, argument, name))


def _listed(value: Any, argument: str) -> list[Any]:
    """`in` takes a list, or Frappe's comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items or len(items) > MAX_VALUES:
        raise _invalid(argument, f"in / not in take a list of 1 to {MAX_VALUES} values.")
    return [item.strip() if isinstance(item, str) else item for item in items]


def _is_set(column: peewee.Field, value: Any, argument: str) -> Any:
    if value not in ("set", "not set"):
        raise _invalid(argument, "is takes 'set' or 'not set'.")
    present = column.is_null(False)
    if isinstance(column, (peewee.CharField, peewee.TextField)):
        present = present & (column != "")
    return present if value == "set" else ~present


def _load(target: Filterable, value: Any, argument: str, name: str) -> Any:
    try:
        return load_value(target, value)
    except ValueError as exc:
        raise _invalid(argument, f"{name}: {exc}") from None


def load_value(target: Filterable, value: Any) -> Any:
    """One value as stored; ValueError when it cannot be one. A value shown otherwise than stored
    (an SKU for its number) is loaded as text and handed to the column's store function."""
    try:
        if target.store is None:
            return value_field(target.column).deserialize(value)
        return target.store(_SHOWN.deserialize(value))
    except ValidationError as exc:
        raise ValueError("; ".join(_messages(exc.messages))) from None


def _messages(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [str(m) for value in messages.values() for m in _messages(value)]
    return [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]


def _invalid(argument: str, message: str) -> InvalidFilter:
    return InvalidFilter(f"Invalid {argument}: {message}", field_errors={argument: [message]})
