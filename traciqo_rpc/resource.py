"""Doctypes as Frappe resources: what /api/resource/<DocType> and frappe.client.* may read,
filter and write, declared by each doctype (hooks.resources) and read here.

A doctype opts in with a `Resource`: its readable fields (columns, shown as they are or
through a function), which of them may be filtered and sorted on (indexed ones only: a list
page must not scan a table), and which whitelisted methods create, change and delete it. Reads
are one scoped query built here; writes call those methods, so their schemas, rules, events
and plan limits apply as they do to a method call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import peewee

from . import errors
from .context import RequestContext
from .db import TenantModel
from .filters import Filterable, conditions, load_value

STANDARD = ("creation", "modified")  # Frappe's timestamps, on every resource that keeps them


@dataclass(frozen=True)
class Column:
    """A readable field: its column, how its stored value is shown (e.g. JSON text as data) and,
    for a shown field that may be filtered, how a shown value is stored (ValueError if it cannot be)."""

    field: Any  # a column of the model, or any expression over its row (e.g. a subquery) when not filterable
    show: Callable[[Any], Any] | None = None
    store: Callable[[Any], Any] | None = None
    at_request: Callable[[RequestContext], Any] | None = None  # an expression that needs the request (its date)

    def expression(self, ctx: RequestContext) -> Any:
        return self.at_request(ctx) if self.at_request is not None else self.field


@dataclass(frozen=True)
class Write:
    """A change made through a whitelisted method.

    method: its dotted path. fields: the document fields it takes. arguments: (name, the
    document's fields) -> the method's arguments (name is None on insert). name_of: (the
    method's result, the fields sent) -> the new document's name (insert only). shown_once:
    keys of the method's result an insert answers beside the document (a webhook's secret).
    """

    method: str
    fields: tuple[str, ...]
    arguments: Callable[[str | None, dict[str, Any]], dict[str, Any]]
    name_of: Callable[[Any, dict[str, Any]], Any] | None = None
    shown_once: tuple[str, ...] = ()


class OnlyVoiding(errors.ValidationError):
    """The one change a document takes here is to void it."""


def voiding(key: str, what: str, void: str = "void") -> Callable[[str | None, dict[str, Any]], dict[str, Any]]:
    """`Write.arguments` for a doctype whose one change is `status: "void"` (with `void_reason`):
    the void method's arguments, the document named by `key`."""

    def arguments(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("status", void) != void:
            raise OnlyVoiding(f"{what} can only be voided here", field_errors={"status": [f"Only {void!r}."]})
        return {key: name, "reason": values.get("void_reason")}

    return arguments


@dataclass(frozen=True)
class Resource:
    """A doctype served as a Frappe resource.

    fields: readable fields by the name clients see, `name` (the document's key) among them.
    filterable: the fields filters and order_by may name; each must have an index of its own,
        after the tenant columns and before the default order's column, unless it is unique
        (checked at start-up): a page
        filtered on it is then an index range read in order, whatever the size of the table
        (an index on the field alone leaves PostgreSQL to guess between it and walking the
        order's index, and a wrong guess reads the whole table).
    created, modified: the columns behind Frappe's `creation` and `modified` (readable, and
        filterable when indexed); sequence: an indexed column in creation order (an
        auto-increment or time-first key) that sorts by `creation` when `created` has no index.
    order_by: the default order.
    """

    model: type[TenantModel]
    fields: Mapping[str, Any]  # a peewee field, a Column, or an expression over the row (e.g. a subquery)
    filterable: tuple[str, ...] = ("name",)
    created: peewee.Field | None = None
    modified: peewee.Field | None = None
    sequence: peewee.Field | None = None
    order_by: str = "creation desc"
    insert: Write | None = None
    update: Write | None = None
    delete: Write | None = None
    _columns: dict[str, Column] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        columns = {name: value if isinstance(value, Column) else Column(value) for name, value in self.fields.items()}
        for name, column in (("creation", self.created), ("modified", self.modified or self.created)):
            if column is not None:
                columns.setdefault(name, Column(column))
        self._columns.update(columns)

    @property
    def columns(self) -> Mapping[str, Column]:
        return self._columns

    def filter_columns(self) -> dict[str, Filterable]:
        return {name: Filterable(self._columns[name].field, self._columns[name].store)
                for name in (*self.filterable, *self._standard_filterable())}

    def _standard_filterable(self) -> tuple[str, ...]:
        return tuple(name for name in STANDARD if name in self._columns and _indexed(self.model, self._columns[name].field)
                     and name not in self.filterable)

    @property
    def writable(self) -> frozenset[str]:
        return frozenset(name for write in (self.insert, self.update) if write for name in write.fields)

    def _order_column(self, doctype: str) -> peewee.Field:
        """The column a page is sorted by first, by default."""
        try:
            first = _order(self, self.order_by, doctype)[0]
        except InvalidOrder as exc:
            raise ValueError(f"{doctype}: default order {self.order_by!r}: {exc.message}") from None
        return first.node

    def check(self, doctype: str, has_method: Callable[[str], bool]) -> None:
        """Start-up: the declaration holds together (else hooks.resources stops the app)."""
        if "name" not in self._columns:
            raise ValueError(f"{doctype}: a resource needs a `name` field (its key)")
        for name in self.filterable:
            column = self._columns.get(name)
            if column is None or (column.show is not None and column.store is None) or column.at_request:
                raise ValueError(f"{doctype}: filterable {name!r} must be a readable column, shown as stored or "
                                 "with a store function")
            if not _indexed(self.model, column.field):
                raise ValueError(f"{doctype}: filterable {name!r} leads no index of {self.model._meta.table_name}")
        ordered_by = self._order_column(doctype)
        for name in self.filterable:
            column = self._columns[name]
            if not _pages_in_order(self.model, column.field, ordered_by):
                raise ValueError(f"{doctype}: filterable {name!r} needs an index on (workspace_id, is_sandbox, "
                                 f"{column.field.name}, {ordered_by.name}), so that its pages read in order")
        if self.sequence is not None and not _indexed(self.model, self.sequence):
            raise ValueError(f"{doctype}: sequence {self.sequence.name!r} leads no index")
        for write in (self.insert, self.update, self.delete):
            if write is not None and not has_method(write.method):
                raise ValueError(f"{doctype}: {write.method} is not a whitelisted method")


def _pages_in_order(model: type[peewee.Model], column: peewee.Field, ordered_by: peewee.Field) -> bool:
    """Do the caller's rows equal to one value of `column` come from one index in `ordered_by`'s
    order? The index leads with the tenant columns: SQLite, without statistics, would otherwise
    take a table's index on workspace_id alone and sort the whole workspace. (A unique column
    has one such row; the order's own column is its index.)"""
    if column is ordered_by or column.primary_key or column.unique:
        return True
    for fields_, unique in model._meta.indexes:
        names = [f if isinstance(f, str) else f.name for f in fields_]
        if names[:3] == [*_TENANT, column.name] and ((unique and len(names) == 3) or names[3:4] == [ordered_by.name]):
            return True
    return False


_TENANT = ["workspace_id", "is_sandbox"]


def _indexed(model: type[peewee.Model], column: peewee.Field) -> bool:
    """Does an index (or the primary key) start with this column, after the tenant columns?"""
    if column.primary_key or column.unique or column.index:
        return True
    for fields_, _unique in model._meta.indexes:
        names = [f if isinstance(f, str) else f.name for f in fields_]
        if names[:1] == [column.name] or (names[:2] == _TENANT and names[2:3] == [column.name]):
            return True
    return False


def read(resource: Resource, doctype: str, ctx: RequestContext, names: list[str], filters: Any = None,
         or_filters: Any = None, order_by: str | None = None, start: int = 0, length: int = 20) -> list[dict[str, Any]]:
    """One page of the caller's documents, with the fields asked for."""
    columns = resource.columns
    unknown = [name for name in names if name not in columns]
    if unknown:
        raise FieldNotReadable(f"{doctype} has no field {unknown[0]!r}", field_errors={
            "fields": [f"{name!r} is not a field of {doctype}: read {', '.join(columns)}." for name in unknown]})
    selected = [columns[name] for name in names]
    query = _where(resource, doctype, ctx, [c.expression(ctx) for c in selected], filters, or_filters)
    query = query.order_by(*_order(resource, order_by or resource.order_by, doctype)).limit(length).offset(start)
    return [_document(names, selected, row) for row in query.tuples()]


def count(resource: Resource, doctype: str, ctx: RequestContext, filters: Any = None, or_filters: Any = None) -> int:
    return _where(resource, doctype, ctx, [peewee.SQL("1")], filters, or_filters).count()


def find(resource: Resource, doctype: str, ctx: RequestContext, name: Any) -> dict[str, Any]:
    """The whole document by name (404 when the caller has none of that name)."""
    names = list(resource.columns)
    key = resource.columns["name"]
    try:
        stored = load_value(Filterable(key.field, key.store), name)
    except ValueError:
        raise DocumentNotFound(f"{doctype} {name} not found") from None
    row = (resource.model.scoped(ctx, *(c.expression(ctx) for c in resource.columns.values()))
           .where(key.field == stored).tuples().first())
    if row is None:
        raise DocumentNotFound(f"{doctype} {name} not found")
    return {**_document(names, list(resource.columns.values()), row), "doctype": doctype}


def _where(resource: Resource, doctype: str, ctx: RequestContext, selected: list[Any], filters: Any,
           or_filters: Any) -> peewee.ModelSelect[Any]:
    filterable = resource.filter_columns()
    query = resource.model.scoped(ctx, *selected)
    for condition in conditions(filters, filterable, doctype, "filters"):
        query = query.where(condition)
    alternatives = conditions(or_filters, filterable, doctype, "or_filters")
    if alternatives:
        either = alternatives[0]
        for alternative in alternatives[1:]:
            either = either | alternative
        query = query.where(either)
    return query


def _order(resource: Resource, order_by: str, doctype: str) -> list[Any]:
    """`field [asc|desc], ...` over filterable fields; the key last, so pages never overlap."""
    filterable = resource.filter_columns()
    terms: list[Any] = []
    for part in order_by.split(","):
        words = part.replace("`", "").split()
        name = words[0].rpartition(".")[2] if words else ""  # Frappe's `tabProduct`.`modified` form
        direction = words[1].lower() if len(words) > 1 else "asc"
        sortable = name in filterable or (name in STANDARD and name in resource.columns and resource.sequence is not None)
        if len(words) > 2 or not sortable or direction not in ("asc", "desc"):
            raise InvalidOrder(f"Cannot order {doctype} by {part.strip()!r}", field_errors={"order_by": [
                f"Use 'field asc' or 'field desc' over {', '.join(sorted(filterable))} (indexed fields)."]})
        column = filterable[name].column if name in filterable else resource.sequence
        assert column is not None  # sortable says so
        terms.append(column.desc() if direction == "desc" else column.asc())
    key = resource.columns["name"].field
    # The key last, so pages never overlap; not after a column that is unique itself (the sequence's
    # primary key): a needless second sort key keeps an index from giving the order alone.
    if not any(getattr(term, "node", None) is key or _unique(getattr(term, "node", None)) for term in terms):
        terms.append(key.desc() if getattr(terms[-1], "direction", "ASC") == "DESC" else key.asc())
    return terms


def _unique(column: Any) -> bool:
    return isinstance(column, peewee.Field) and (column.primary_key or column.unique)


def _document(names: list[str], columns: list[Column], row: tuple[Any, ...]) -> dict[str, Any]:
    return {name: column.show(value) if column.show and value is not None else value
            for name, column, value in zip(names, columns, row, strict=True)}


class DocumentNotFound(errors.DoesNotExistError):
    """No document of that name in the caller's workspace and environment."""


class FieldNotReadable(errors.ValidationError):
    """`fields` names something the doctype does not show."""


class InvalidOrder(errors.ValidationError):
    """order_by names a field that is not indexed, or an unknown direction."""
