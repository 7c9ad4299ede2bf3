"""`traciqo-rpc copy-database --to postgresql://...`: a SQLite install's rows into PostgreSQL.

The target's schema is made by `db.migrate` (the models of hooks.py, as `traciqo-rpc migrate`
makes it), then every model's table is copied in dependency order, CHUNK_ROWS rows at a time in
primary-key order, each chunk one COPY in one transaction, with a progress bar per table.

Interrupted, it continues. The copy only ever adds the source's rows that the target lacks (by
primary key), so a re-run skips what an earlier run committed and never duplicates a row; a chunk
cut off mid-way was never committed. Before writing anything it checks every table that already
holds rows: each of them must be a row of the source, identical column by column. A target with
rows the source does not have (a live PostgreSQL install, another copy whose source has changed
since) is refused unless `force` empties its tables first.

Rows are compared as the target stores them: peewee makes a FloatField PostgreSQL's `real`, four
bytes (about seven significant digits; SQLite keeps eight bytes), so those columns are compared after
rounding to four bytes on both sides.

The source is read in one SQLite read transaction, so the copy, and the counts it is checked
against, are one moment of the source even while a server writes to it (stop the server first,
or what it writes afterwards stays behind). After the copy each table's sequence restarts past
its largest id, and the counts are compared table by table.
"""

from __future__ import annotations

import argparse
import sqlite3
import struct
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

import peewee
from playhouse.pool import PooledPostgresqlDatabase

from . import db

CHUNK_ROWS = 5_000  # rows read, compared and copied at a time (one COPY, one commit)


class CopyRefused(Exception):
    """The copy cannot start: a source or target it does not take, or a target holding other data."""


class CopyFailed(Exception):
    """PostgreSQL refused a row of the source (e.g. text longer than its column, which SQLite keeps)."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class _Table:
    """One model's table: its columns in order, how to read each from SQLite, its primary key."""

    name: str
    fields: tuple[peewee.Field, ...]
    key: int  # index of the primary key among the columns
    serial: bool  # an AutoField: PostgreSQL's sequence must restart past the copied ids
    singles: frozenset[int] = frozenset()  # indexes of the columns the target keeps in four-byte `real`

    @property
    def columns(self) -> list[str]:
        return [field.column_name for field in self.fields]

    @property
    def key_column(self) -> str:
        return self.fields[self.key].column_name

    def typed(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """A row as the model's Python values: SQLite's text datetimes and dates parsed, its 0/1
        booleans as bools, its numbers as Decimal where the field is one (what PostgreSQL stores)."""
        return tuple(field.python_value(value) for field, value in zip(self.fields, row, strict=True))

    def as_stored(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A typed row as the target keeps it, to compare: `real` columns rounded to four bytes."""
        if not self.singles:
            return row
        return tuple(_single(value) if index in self.singles else value for index, value in enumerate(row))


def _single(value: Any) -> Any:
    """A float rounded to four bytes, as PostgreSQL's `real` keeps it."""
    return value if value is None else struct.unpack("f", struct.pack("f", value))[0]


def copy_database(source_url: str, target_url: str, models: Iterable[type[peewee.Model]], force: bool = False,
                  chunk_rows: int = CHUNK_ROWS, progress: IO[str] | None = None) -> list[TableCount]:
    """Copy every model's rows from the SQLite database at `source_url` into the PostgreSQL one at
    `target_url`; returns each table's counts afterwards (the caller reports any mismatch).
    `progress`: where the progress bars go (None: nowhere)."""
    if urlparse(target_url).scheme not in ("postgres", "postgresql"):
        raise CopyRefused("--to must be a PostgreSQL URL (postgresql://user:password@host:5432/name)")
    models = list(models)
    tables = [_table(model) for model in peewee.sort_models(models)]  # type: ignore[attr-defined]
    with closing(_open_source(source_url)) as source:
        _check_source_schema(source, tables)
        with _open_target(target_url) as target, _bound(target):
            db.migrate(models)
            tables = _with_target_types(target, tables)
            source.execute("BEGIN")  # one snapshot of the source for the whole copy and its counts
            if force:
                _empty(target, tables)
            counts = {table.name: _count(source, table.name) for table in tables}
            present = _check_target(source, target, tables, counts, chunk_rows, progress)
            for table in tables:
                _copy_table(source, target, table, counts[table.name], present[table.name], chunk_rows, progress)
            _restart_sequences(target, tables)
            return [TableCount(table.name, counts[table.name], _target_count(target, table.name)) for table in tables]


def _table(model: type[peewee.Model]) -> _Table:
    fields = tuple(model._meta.sorted_fields)
    key = model._meta.primary_key
    if not isinstance(key, peewee.Field) or isinstance(key, peewee.CompositeKey):
        raise CopyRefused(f"{model._meta.table_name}: copy-database needs a one-column primary key")
    return _Table(model._meta.table_name, fields, fields.index(key), isinstance(key, peewee.AutoField))


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- the source: a SQLite file, read only ----------------------------------------------------------

def sqlite_path(url: str) -> Path | None:
    """The file a `sqlite:///path` URL names (relative to the working directory, as db.open_database
    reads it), or None for another URL."""
    if urlparse(url).scheme != "sqlite" or not url.startswith("sqlite:///"):
        return None
    return Path(url[len("sqlite:///"):])


def _open_source(url: str) -> sqlite3.Connection:
    path = sqlite_path(url)
    if path is None:
        raise CopyRefused("the source must be a SQLite database (sqlite:///path): copy-database moves a "
                          "SQLite install to PostgreSQL; set TRACIQO_DATABASE_URL or pass --from sqlite:///path")
    if not path.is_file():
        raise CopyRefused(f"no SQLite database at {path}")
    # Read only: a mistake here must never change the install being moved. isolation_level=None
    # leaves the transaction to us (one BEGIN, below).
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                                 check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 15000")
    return connection


def _check_source_schema(source: sqlite3.Connection, tables: Sequence[_Table]) -> None:
    """Every column the models have must be in the source (a table it lacks counts as empty)."""
    for table in tables:
        present = {row[1] for row in source.execute(f"PRAGMA table_info({_quoted(table.name)})")}
        missing = [column for column in table.columns if column not in present]
        if present and missing:
            raise CopyRefused(f"the source's table {table.name} has no column {missing[0]}: it was made by an "
                              f"older version; run `traciqo-rpc migrate` on it first")


def _count(source: sqlite3.Connection, table: str) -> int:
    exists = source.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return source.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0] if exists else 0


def _chunks(source: sqlite3.Connection, table: _Table, total: int, chunk_rows: int) -> Iterator[list[tuple[Any, ...]]]:
    """The source's rows, typed, in primary-key order, a chunk at a time: each chunk starts after
    the last one's key (an index range read, however far into the table)."""
    if not total:
        return
    columns = ", ".join(map(_quoted, table.columns))
    key = _quoted(table.key_column)
    sql = f"SELECT {columns} FROM {_quoted(table.name)} {{where}} ORDER BY {key} LIMIT ?"
    rows = source.execute(sql.format(where=""), (chunk_rows,)).fetchall()
    while rows:
        yield [table.typed(row) for row in rows]
        if len(rows) < chunk_rows:
            return
        rows = source.execute(sql.format(where=f"WHERE {key} > ?"), (rows[-1][table.key], chunk_rows)).fetchall()


# -- the target: PostgreSQL --------------------------------------------------------------------------

@contextmanager
def _open_target(url: str) -> Iterator[peewee.Database]:
    target = db.open_database(url, max_connections=2, prepared_statements=False)
    try:
        yield target
    finally:
        assert isinstance(target, PooledPostgresqlDatabase)
        target.close_all()


@contextmanager
def _bound(target: peewee.Database) -> Iterator[None]:
    """The models (db.database) on the target while the copy runs, as they were afterwards. The
    copy runs in a process of its own (the CLI): nothing else may use the models meanwhile."""
    previous = db.database.obj
    db.bind(target)
    try:
        yield
    finally:
        db.database.initialize(previous)


def _with_target_types(target: peewee.Database, tables: Sequence[_Table]) -> list[_Table]:
    """The tables, each knowing which of its columns the target keeps in `real`."""
    singles: dict[str, set[str]] = {}
    for table, column in target.execute_sql("SELECT table_name, column_name FROM information_schema.columns "
                                            "WHERE table_schema = current_schema() AND data_type = 'real'"):
        singles.setdefault(table, set()).add(column)
    return [replace(table, singles=frozenset(index for index, column in enumerate(table.columns)
                                             if column in singles.get(table.name, ()))) for table in tables]


def _target_count(target: peewee.Database, table: str) -> int:
    return int(target.execute_sql(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0])


def _empty(target: peewee.Database, tables: Sequence[_Table]) -> None:
    """--force: every model table of the target emptied, its ids restarted."""
    with target.atomic():
        target.execute_sql(f"TRUNCATE {', '.join(_quoted(table.name) for table in tables)} RESTART IDENTITY")


def _target_rows(target: peewee.Database, table: _Table, keys: list[Any]) -> dict[Any, tuple[Any, ...]]:
    """The target's rows with these primary keys, typed as the source's are, by key."""
    columns = ", ".join(map(_quoted, table.columns))
    cursor = target.execute_sql(
        f"SELECT {columns} FROM {_quoted(table.name)} WHERE {_quoted(table.key_column)} = ANY(%s)", (keys,))
    return {row[table.key]: table.as_stored(row) for row in map(table.typed, cursor.fetchall())}


def _check_target(source: sqlite3.Connection, target: peewee.Database, tables: Sequence[_Table],
                  counts: dict[str, int], chunk_rows: int, progress: IO[str] | None) -> dict[str, int]:
    """How many of each table's source rows the target holds already (an earlier, interrupted
    run's), having checked every row it holds is one of them; CopyRefused, before anything is
    written, naming the tables with rows the source does not have."""
    present: dict[str, int] = {}
    foreign: list[str] = []
    for table in tables:
        held = _target_count(target, table.name)
        same = 0
        if held:
            with _bar(progress, held, f"{table.name} (check)") as bar:
                for chunk in _chunks(source, table, counts[table.name], chunk_rows):
                    found = _target_rows(target, table, [row[table.key] for row in chunk])
                    matched = sum(1 for row in chunk if found.get(row[table.key]) == table.as_stored(row))
                    same += matched
                    bar.update(matched)
                    if same == held:  # every row it holds is the source's; a copy goes in key order
                        break
        present[table.name] = same
        if held > same:
            foreign.append(f"{table.name} ({held - same} of {held})")
    if foreign:
        raise CopyRefused(
            "the target holds rows the source does not have, or has with other values: " + ", ".join(foreign)
            + ". copy-database fills an empty database or continues its own interrupted copy; it never overwrites "
            "data. Use a new database, or --force to empty these tables first (if the source changed since an "
            "earlier copy, that copies it all again).")
    return present


def _copy_table(source: sqlite3.Connection, target: peewee.Database, table: _Table, total: int, present: int,
                chunk_rows: int, progress: IO[str] | None) -> None:
    """The source's rows the target lacks, a chunk (one COPY, one commit) at a time."""
    if present >= total:
        return
    with _bar(progress, total - present, table.name) as bar:
        for chunk in _chunks(source, table, total, chunk_rows):
            if present:  # an interrupted copy of this table: skip the rows it committed
                held = _target_rows(target, table, [row[table.key] for row in chunk])
                chunk = [row for row in chunk if row[table.key] not in held]
            _copy_chunk(target, table, chunk)
            bar.update(len(chunk))


def _bar(progress: IO[str] | None, total: int, what: str) -> Any:
    """A progress bar of `total` rows on `progress` (none for None)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit="rows", file=progress, disable=progress is None, mininterval=0.5)


def _copy_chunk(target: peewee.Database, table: _Table, rows: list[tuple[Any, ...]]) -> None:
    import psycopg  # the postgres extra: SQLite-only installs load this module for the CLI's help

    try:
        with target.atomic():
            db.copy_rows(table.name, table.columns, rows)
    except (psycopg.DataError, psycopg.IntegrityError) as exc:  # the chunk rolled back; earlier ones stay
        raise CopyFailed(f"{table.name}: PostgreSQL refused a row between {table.key_column} {rows[0][table.key]!r} "
                         f"and {rows[-1][table.key]!r}: {exc}") from exc


def _restart_sequences(target: peewee.Database, tables: Sequence[_Table]) -> None:
    """Each serial id's sequence past the largest id copied: COPY sets ids without taking them from
    the sequence, so the next insert would be given id 1 again."""
    with target.atomic():
        for table in tables:
            if table.serial:
                key = _quoted(table.key_column)
                target.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({key}), 0) + 1, false) "
                    f"FROM {_quoted(table.name)}", (_quoted(table.name), table.key_column))


def counts_table(counts: Sequence[TableCount]) -> str:
    """The counts as a text table, a mismatch marked."""
    width = max([len("table"), *(len(count.table) for count in counts)])
    lines = [f"{'table':<{width}}  {'source':>10}  {'target':>10}"]
    for count in counts:
        mark = "" if count.matches else "  MISMATCH"
        lines.append(f"{count.table:<{width}}  {count.source:>10}  {count.target:>10}{mark}")
    return "\n".join(lines)


# -- traciqo-rpc copy-database -------------------------------------------------------------------------

def register(sub: Any) -> None:
    """`traciqo-rpc copy-database --to postgresql://...` (hooks.cli_commands)."""
    parser = sub.add_parser("copy-database", help="copy a SQLite install into PostgreSQL, with progress bars; "
                                                  "an interrupted copy continues when run again")
    parser.add_argument("--to", required=True, metavar="POSTGRESQL_URL", help="the PostgreSQL database to fill")
    parser.add_argument("--from", dest="source", default=None, metavar="SQLITE_URL",
                        help="the SQLite database (default: TRACIQO_DATABASE_URL)")
    parser.add_argument("--force", action="store_true",
                        help="empty the target's tables first, even when they hold rows the source does not")
    parser.add_argument("--chunk-rows", type=_positive, default=CHUNK_ROWS, help="rows per COPY and commit")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(func=cmd_copy_database)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def cmd_copy_database(args: argparse.Namespace) -> int:
    """Copy, print the counts table by table; exit 1 on any mismatch, 2 when refused."""
    from . import wiring
    from .settings import Settings

    source_url = args.source or Settings.from_env().database_url
    try:
        counts = copy_database(source_url, args.to, wiring.load().models, force=args.force,
                               chunk_rows=args.chunk_rows, progress=None if args.quiet else sys.stderr)
    except CopyRefused as exc:
        print(f"traciqo-rpc: error: {exc}", file=sys.stderr)
        return 2
    except CopyFailed as exc:
        print(f"traciqo-rpc: error: {exc}; what was copied before it stays (run again once it is fixed)",
              file=sys.stderr)
        return 1
    print(counts_table(counts))
    mismatched = [count.table for count in counts if not count.matches]
    if mismatched:
        print(f"traciqo-rpc: error: counts differ in {', '.join(mismatched)}", file=sys.stderr)
        return 1
    print(f"{len(counts)} tables, {sum(count.source for count in counts)} rows: the counts match.")
    return 0
