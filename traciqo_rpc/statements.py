"""Hand-written SQL for the hot paths, declared in one place per doctype, with one scoping rule.

Building a peewee query costs 100-300 us of Python and running the statement a few, so the
statements a scan or an activation makes are written by hand and sent to the driver directly
(db.execute). Each is declared once, in its doctype's `queries.py`, as one of:

- `tenant(sql)`: one workspace's rows in one environment. `{scope}` marks where the clause
  `workspace_id = ? AND is_sandbox = ?` goes (`{scope:s}` qualifies it with the alias `s`),
  and the scope given to `run` is bound there.
- `insert(sql)`: an INSERT whose columns name `workspace_id` and `is_sandbox`: the rows
  carry their scope.
- `unscoped(sql, why)`: anything else, saying why it needs no clause: a public look-up by an
  unguessable code, rows found through a scoped statement of the same call, a job's row by id.

A test reads every statement and fails on one that touches a tenant table any other way, and
on hand-written SQL outside a `queries.py`. `{values}` expands to a batch's placeholders
(`IN (...)`, multi-row VALUES), `{rows}` to rows even of one value (`VALUES (?), (?)`). Datetimes are bound as the database stores them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import db

if TYPE_CHECKING:
    from .context import RequestContext

TENANT, INSERT, UNSCOPED = "tenant", "insert", "unscoped"
_SCOPE_MARK = re.compile(r"\{scope(?::(\w+))?\}")
_INSERT_COLUMNS = re.compile(r"^\s*INSERT\s+INTO\s+\"?(\w+)\"?\s*\(([^)]*)\)", re.IGNORECASE)

Scope = tuple[int, bool]


@dataclass(frozen=True)
class Statement:
    sql: str  # with `?` placeholders, the scope clause written in, `{values}` left to expand
    kind: str
    why: str = ""
    row: Any = None  # the class each row is read into (its columns as positional arguments), if any
    width: int = 1  # placeholders per `{values}` entry
    scope_at: int = -1  # how many `?` come before the scope's two (tenant statements)
    values_before_scope: bool = False


def tenant(sql: str, row: Any = None, width: int = 1) -> Statement:
    """A statement on one workspace's rows in one environment; `{scope}` marks its clause."""
    found = _SCOPE_MARK.search(sql)
    if found is None:
        raise ValueError(f"a tenant statement needs {{scope}} where its clause goes: {sql!r}")
    prefix = found.group(1) + "." if found.group(1) else ""
    clause = f"{prefix}workspace_id = ? AND {prefix}is_sandbox = ?"
    before = sql[:found.start()]
    return Statement(sql[:found.start()] + clause + sql[found.end():], TENANT, row=row, width=width,
                     scope_at=before.count("?"), values_before_scope="{values}" in before or "{rows}" in before)


def insert(sql: str, width: int = 1) -> Statement:
    """An INSERT whose rows carry their workspace and environment."""
    columns = _INSERT_COLUMNS.match(sql)
    named = {column.strip().strip('"') for column in columns.group(2).split(",")} if columns else set()
    if not {"workspace_id", "is_sandbox"} <= named:
        raise ValueError(f"an insert must name workspace_id and is_sandbox: {sql!r}")
    return Statement(sql, INSERT, width=width)


def unscoped(sql: str, why: str, row: Any = None, width: int = 1) -> Statement:
    """A statement that needs no scope clause, and why (a public look-up by an unguessable code,
    rows found through a scoped statement, a job's own row by id)."""
    if not why.strip():
        raise ValueError("say why a statement needs no scope clause")
    return Statement(sql, UNSCOPED, why=why, row=row, width=width)


def run(statement: Statement, params: Sequence[Any] = (), scope: RequestContext | Scope | None = None,
        values: int = 0) -> Any:
    """Execute the statement; returns the cursor. A tenant statement needs the scope (a context,
    or (workspace_id, is_sandbox)); `values` is how many entries `{values}` (or `{rows}`) stands for."""
    sql = db.with_values(statement.sql, values, statement.width) if values else statement.sql
    bound = _bound(params)
    if statement.kind == TENANT:
        if scope is None:
            raise ValueError("a tenant statement runs within a scope")
        at = statement.scope_at + (values * statement.width if statement.values_before_scope else 0)
        bound = (*bound[:at], *_scope_values(scope), *bound[at:])
    return db.execute(sql, bound)


def fetch(statement: Statement, params: Sequence[Any] = (), scope: RequestContext | Scope | None = None,
          values: int = 0) -> list[Any]:
    """The rows, read into the statement's row type when it has one."""
    rows = run(statement, params, scope, values).fetchall()
    return [statement.row(*row) for row in rows] if statement.row is not None else rows


def run_many(statement: Statement, rows: Sequence[Sequence[Any]]) -> None:
    """The statement once per row (an insert's rows, or unscoped changes by id)."""
    if statement.kind == TENANT:
        raise ValueError("run a tenant statement with run(), within its scope")
    db.execute_many(statement.sql, [_bound(row) for row in rows] if db.is_sqlite() else rows)


# Rows an insert_rows sends as one multi-row INSERT; more are copied in: PostgreSQL plans a long
# VALUES list each time, and COPY took a 1,000-unit build from 0.22 to 0.49 of a raw insert.
ROWS_PER_INSERT = 50


def insert_rows(statement: Statement, rows: Sequence[Sequence[Any]]) -> None:
    """An insert's rows, however many: a plain `INSERT INTO t (...) VALUES {values}` (nothing
    after it) sent as one statement for a few rows, copied in (db.copy_rows) for many."""
    if len(rows) <= ROWS_PER_INSERT:
        if rows:
            run(statement, [value for row in rows for value in row], values=len(rows))
        return
    target = _INSERT_COLUMNS.match(statement.sql)
    if statement.kind != INSERT or target is None or not statement.sql.rstrip().endswith("VALUES {values}"):
        raise ValueError(f"insert_rows takes a plain multi-row insert: {statement.sql!r}")
    columns = [column.strip().strip('"') for column in target.group(2).split(",")]
    db.copy_rows(target.group(1), columns, [_bound(row) for row in rows] if db.is_sqlite() else rows)


def model_row(model: Any, columns: Sequence[str]) -> Any:
    """A `row=` for a statement that selects these columns of `model`, in this order: each row
    read into a model instance as peewee reads one (its fields' converters, nothing changed)."""
    converters = [(name, model._meta.fields[name].python_value) for name in columns]

    def read(*values: Any) -> Any:
        # What peewee's Model(__no_default__=1, **data) leaves, without a setattr per field.
        instance = model.__new__(model)
        instance.__data__ = {name: convert(v) for (name, convert), v in zip(converters, values, strict=True)}
        instance._dirty, instance.__rel__ = set(), {}
        return instance

    return read


def read_datetime(value: Any) -> Any:
    """A timestamp as the driver returns it: text on SQLite (what bound_datetime wrote, ISO),
    a datetime on PostgreSQL; None stays None."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _scope_values(scope: RequestContext | Scope) -> Scope:
    if isinstance(scope, tuple):
        return scope
    principal = scope.require_principal()
    return principal.workspace_id, principal.is_sandbox


# How SQLite stores a datetime and a date (ISO text), by the value's exact type: one dict look-up
# a value instead of two isinstance calls (a build of 1,000 units binds some 26,000 values).
_SQLITE_TEXT: dict[type, Any] = {dt.datetime: lambda value: value.isoformat(" "), dt.date: dt.date.isoformat}


def _bound(params: Sequence[Any]) -> tuple[Any, ...]:
    """Datetimes and dates as SQLite stores them (ISO text); PostgreSQL's driver takes them as they are."""
    if not db.is_sqlite():
        return tuple(params)
    text_of = _SQLITE_TEXT.get
    return tuple(value if (convert := text_of(type(value))) is None else convert(value) for value in params)
