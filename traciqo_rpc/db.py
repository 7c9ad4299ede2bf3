"""Database: one peewee proxy, SQLite or PostgreSQL from a URL, transactions, additive migrate."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlparse

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as apply_migrations
from playhouse.pool import PooledPostgresqlDatabase

from .context import RequestContext

database = peewee.DatabaseProxy()

# SQLite keeps its WAL file at the largest it ever grew (one long read during constant writes
# left it at hundreds of MB for good); with a limit, the first commit after the WAL starts over
# cuts the file back to it. Processes without the web's checkpoint thread (checkpoint.py)
# checkpoint in the commit that takes the WAL past 1,000 pages (SQLite's default, said here).
WAL_SIZE_LIMIT = 64 * 1024 * 1024

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "cache_size": -32000,
    "temp_store": "memory",
    "journal_size_limit": WAL_SIZE_LIMIT,
    "wal_autocheckpoint": 1000,
}


def utcnow() -> dt.datetime:
    """Naive UTC: both backends store it unchanged."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def bound_datetime(value: dt.datetime) -> Any:
    """A naive UTC datetime as hot-path SQL binds it: the ISO text SQLite's default adapter would
    make of it anyway (one Python call fewer per bound value, and 3.12 deprecates that adapter);
    PostgreSQL's driver takes the datetime itself."""
    return value.isoformat(" ") if is_sqlite() else value


# psycopg prepares a statement once it has run this many times on a connection: PostgreSQL
# plans every statement it is sent, and planning an activation batch's unit look-up took longer
# than running it (0.3-0.6 ms against 0.1-0.2 ms on a warm connection).
PREPARE_AFTER = 2
# Statements with more parameters than this (a bulk look-up of hundreds of serials) are never
# prepared: a generic plan cached while a fresh table was small does not follow its growth until
# the next ANALYZE (importing serials went from 0.4 s to 12.7 s a batch of 10,000 by the fourth).
MAX_PREPARED_PARAMETERS = 256


def open_database(url: str, max_connections: int = 32, prepared_statements: bool = True) -> peewee.Database:
    """A peewee database for `sqlite:///path` or `postgresql://user:pass@host:port/name` (through
    psycopg 3; without prepared statements behind a pooler that keeps no session state between
    transactions, e.g. PgBouncer in transaction mode)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        return peewee.SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if parsed.scheme in ("postgres", "postgresql"):
        options: dict[str, Any] = dict(parse_qsl(parsed.query))
        return PooledPostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port,
            max_connections=max_connections,
            stale_timeout=300,
            timeout=30,
            prefer_psycopg3=True,
            prepare_threshold=PREPARE_AFTER if prepared_statements else None,
            **options,
        )
    raise ValueError(f"Unsupported database URL scheme {parsed.scheme!r} (use sqlite:/// or postgresql://)")


def bind(db: peewee.Database) -> None:
    database.initialize(db)


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


# SQLite has one writer at a time. Left to itself, a waiting writer sleeps in SQLite's busy
# handler (1 ms, 2 ms, 5 ms ... 100 ms steps), which collapses throughput under concurrency;
# queueing writers on a Python lock hands the database over the moment it is free.
_sqlite_writer = threading.RLock()


def transaction() -> contextlib.AbstractContextManager[None]:
    """One write transaction, or a savepoint inside the one already open (a batch, a nested call).

    On SQLite the transaction takes the write lock up front (no upgrade deadlocks).
    """
    if database.in_transaction():
        return _Savepoint()
    return _transaction()


def ensure_transaction() -> contextlib.AbstractContextManager[None]:
    """A transaction when none is open; inside one (a batch, a method's transaction) nothing more:
    the enclosing one already makes the block all or nothing (a batch replays a call that fails
    after writing with a savepoint of its own)."""
    return contextlib.nullcontext() if database.in_transaction() else _transaction()


@contextlib.contextmanager
def _transaction() -> Iterator[None]:
    if not is_sqlite():
        with database.atomic():
            yield
        return
    with _sqlite_writer, database.atomic("IMMEDIATE"):
        yield


_savepoints = threading.local()


class _Savepoint:
    """A savepoint named by its nesting depth (sp1, sp2 ...): the same few statements every time,
    so the driver's statement cache keeps them prepared. peewee names each one with uuid4, which
    reads the OS random source and makes every statement new."""

    __slots__ = ("name",)

    def __enter__(self) -> None:
        depth = getattr(_savepoints, "depth", 0) + 1
        self.name = f"sp{depth}"
        execute(f"SAVEPOINT {self.name}")
        _savepoints.depth = depth

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        _savepoints.depth -= 1
        if exc_type is not None:
            execute(f"ROLLBACK TO SAVEPOINT {self.name}")
        execute(f"RELEASE SAVEPOINT {self.name}")


def transaction_alive() -> bool:
    """Whether this thread's connection is still inside its transaction: SQLite ends one by itself
    after some errors (a full disk, an I/O error), and PostgreSQL after a ROLLBACK sent as SQL."""
    connection = database.obj.connection()
    if isinstance(database.obj, peewee.SqliteDatabase):
        return connection.in_transaction
    from psycopg.pq import TransactionStatus  # the postgres extra: SQLite installs need no driver

    return connection.info.transaction_status != TransactionStatus.IDLE


def execute(sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Run hand-written SQL written with `?` placeholders on either backend; returns the cursor.

    For the statements on hot paths: building a peewee query costs 100-300 us of Python, the
    statement itself a few, so these go straight to the driver (errors still arrive as peewee's
    IntegrityError and friends). The bound database is used directly: every attribute looked
    up through the proxy, and peewee's cursor(), cost more than SQLite running a savepoint.
    """
    return _on_driver("execute", sql, params)


def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Hand-written SQL (`?` placeholders) run once per row, e.g. a batch's event rows. SQLite
    runs its one prepared statement per row. On PostgreSQL an INSERT that ends with its VALUES
    row becomes one INSERT of many rows (psycopg's executemany spent 10-20 us of Python a row,
    a fifth of an activation's CPU), and other statements go in one pipeline."""
    bound = database.obj
    if not rows:
        return
    if isinstance(bound, peewee.SqliteDatabase):
        _on_driver("executemany", sql, rows)
        return
    many_rows = _many_rows_form(sql)
    if many_rows is None:
        _on_driver("executemany", sql, rows)
        return
    head, row = many_rows
    for start in range(0, len(rows), INSERT_PAGE):
        page = rows[start:start + INSERT_PAGE]
        _on_driver("execute", head + ", ".join([row] * len(page)), [value for values in page for value in values])


# Rows per multi-row INSERT: a long VALUES list is planned in time that grows with it.
INSERT_PAGE = 500
# An INSERT whose VALUES row ends the statement (nothing after it, e.g. no ON CONFLICT).
_SINGLE_ROW_INSERT = re.compile(r"^(\s*INSERT\b.*\bVALUES\s*)(\([^()]*\))\s*$", re.IGNORECASE | re.DOTALL)


@functools.lru_cache(maxsize=64)
def _many_rows_form(sql: str) -> tuple[str, str] | None:
    """The INSERT up to VALUES and its row, or None for any other statement."""
    single_row = _SINGLE_ROW_INSERT.match(sql)
    return (single_row.group(1), single_row.group(2)) if single_row else None


def _on_driver(verb: str, sql: str, params: Any) -> Any:
    bound = database.obj
    try:
        if isinstance(bound, peewee.SqliteDatabase):
            return getattr(bound.connection(), verb)(sql, params)
        cursor = _cursor(bound.connection())
        if verb == "executemany":
            cursor.executemany(_for_driver(sql), params)
        else:
            cursor.execute(_for_driver(sql), params, prepare=False if len(params) > MAX_PREPARED_PARAMETERS else None)
        return cursor
    except Exception:
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # the driver's errors as peewee's
            raise


# One cursor per connection for hand-written statements: making a psycopg cursor cost a third
# of a cached QR look-up (34 of 115 us). Each caller reads its rows before the next statement
# on the same connection, which a connection's one thread at a time guarantees.
_cursors: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _cursor(connection: Any) -> Any:
    cursor = _cursors.get(connection)
    if cursor is None or cursor.closed:
        cursor = _cursors[connection] = connection.cursor()
    return cursor


@functools.lru_cache(maxsize=512)
def with_values(sql: str, count: int, width: int = 1) -> str:
    """`sql` with `count` placeholders (or `count` rows of `width` of them) where it says
    {values}: hot-path statements for a whole batch (`IN (...)`, multi-row `VALUES`); {rows}
    is always rows, one-value rows included (`VALUES (?), (?)`)."""
    row = f"({', '.join('?' * width)})"
    one = "?" if width == 1 else row
    return sql.format(values=", ".join([one] * count), rows=", ".join([row] * count))


@functools.lru_cache(maxsize=1024)
def _for_postgresql(sql: str) -> str:
    """`?` placeholders as psycopg takes them (`%s`; a literal `%` doubled), once per statement."""
    return sql.replace("%", "%%").replace("?", "%s")


def _for_driver(sql: str) -> str:
    return sql if is_sqlite() else _for_postgresql(sql)


def bulk_insert(model: type[peewee.Model], fields: Sequence[Any], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows with the driver's fast path (SQLite executemany, PostgreSQL COPY).

    peewee's insert_many builds one Python expression per value; for 100,000 rows that costs
    several times the insert itself.
    """
    copy_rows(model._meta.table_name, [f.column_name for f in fields], rows)


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """bulk_insert by the table's and its columns' names."""
    if not rows:
        return
    named = ", ".join(f'"{column}"' for column in columns)
    cursor = database.cursor()
    if is_sqlite():
        placeholders = ", ".join("?" * len(columns))
        cursor.executemany(f'INSERT INTO "{table}" ({named}) VALUES ({placeholders})', rows)
    else:
        with cursor.copy(f'COPY "{table}" ({named}) FROM STDIN') as copy:  # PostgreSQL's bulk load
            for row in rows:
                copy.write_row(row)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class TenantModel(BaseModel):
    """Tenant data: every row belongs to one workspace and one environment."""

    workspace_id = peewee.IntegerField(index=True)
    is_sandbox = peewee.BooleanField(default=False)

    @classmethod
    def scoped(cls, ctx: RequestContext, *fields: Any) -> peewee.ModelSelect[Any]:
        """The only way to read tenant rows: filtered to the caller's workspace and environment."""
        principal = ctx.require_principal()
        return cls.select(*fields).where(
            (cls.workspace_id == principal.workspace_id) & (cls.is_sandbox == principal.is_sandbox)
        )

    @classmethod
    def scope_values(cls, ctx: RequestContext) -> dict[str, Any]:
        """Column values that place a new row in the caller's workspace and environment."""
        principal = ctx.require_principal()
        return {"workspace_id": principal.workspace_id, "is_sandbox": principal.is_sandbox}


def migrate(models: Iterable[type[peewee.Model]]) -> list[str]:
    """Create missing tables, columns and indexes; safe to re-run on a database with data.

    Never drops or rewrites data. A new table whose model has `fill_new_table` (a summary of
    another table's rows) is filled once, in the same transaction. The one thing it removes is
    an index a model lists in `Meta.retired_indexes` (one another index has replaced): it would
    slow every insert.
    """
    db = database.obj
    models = peewee.sort_models(list(models))  # type: ignore[attr-defined]  # public, missing from the stubs
    changes: list[str] = []
    # The write lock up front: a deferred transaction that reads the schema first fails at once
    # with "database is locked" when another connection writes in between (a running server).
    with transaction():
        existing = set(db.get_tables())
        migrator = SchemaMigrator.from_database(db)
        for model in models:
            table = model._meta.table_name
            if table not in existing:
                changes.append(f"create table {table}")
                continue
            present = {c.name for c in db.get_columns(table)}
            for fld in model._meta.sorted_fields:
                if fld.column_name not in present:
                    if not fld.null and fld.default is None:
                        raise RuntimeError(f"{table}.{fld.column_name}: a new column needs a default or null=True")
                    apply_migrations(migrator.add_column(table, fld.column_name, fld))
                    changes.append(f"add column {table}.{fld.column_name}")
        db.create_tables(models, safe=True)
        for model in models:  # a table that sums up others' rows counts what they hold already
            if f"create table {model._meta.table_name}" in changes and hasattr(model, "fill_new_table"):
                model.fill_new_table()
        for model in models:
            retired = set(getattr(model._meta, "retired_indexes", ()))
            if not retired:
                continue
            for index in sorted(retired & {i.name for i in db.get_indexes(model._meta.table_name)}):
                db.execute_sql(f'DROP INDEX "{index}"')
                changes.append(f"drop index {index}")
    return changes
