"""`traciqo-rpc backup` and `traciqo-rpc restore`: a SQLite install's database, copied while it runs.

A backup is SQLite's online backup (`sqlite3.Connection.backup`) in one step: one read
transaction, so the copy is one moment of the database while the server goes on writing (in WAL
mode readers never block the writer). It is written beside its final name and renamed once it
is complete and checked, so a backup that exists is whole. A restore copies a backup back through
the same API, under SQLite's locks: the WAL of the live file is respected (copying a file over a
database whose `-wal` is left behind corrupts it), and the database as it was is kept first.

PostgreSQL has its own tools: for it `backup` prints the pg_dump and pg_restore commands and
exits 2, having made nothing, so that a scheduled job notices.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .copy_database import sqlite_path


class BackupRefused(Exception):
    """No backup or restore was made: the database, the backup or the path is not one it takes."""


def default_path(data_dir: Path, now: dt.datetime | None = None, suffix: str = ".db") -> Path:
    """data/backups/traciqo-20260131T235959Z.db: in the data folder, named by the UTC time."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return data_dir / "backups" / f"traciqo-{now:%Y%m%dT%H%M%SZ}{suffix}"


def backup_sqlite(database: Path, out: Path) -> Path:
    """Copy the SQLite database at `database` to `out` (a new file) while others may write to it."""
    if not database.is_file():
        raise BackupRefused(f"no SQLite database at {database}")
    if out.exists():
        raise BackupRefused(f"{out} exists already: a backup never replaces a file")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)  # left by a backup that was cut off
    try:
        with closing(_read_only(database)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)  # all pages in one step: one snapshot (a stepped copy restarts on every write)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            _check(copy, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(out)
    return out


def restore_sqlite(backup: Path, database: Path, keep_current: Path) -> Path | None:
    """Make the database at `database` what `backup` holds. The database as it was is kept at
    `keep_current` first: backed up, or, when it cannot be read (damaged), moved there with its
    -wal and -shm files. Returns where it was kept (None when there was none)."""
    if not backup.is_file():
        raise BackupRefused(f"no backup at {backup}")
    with closing(_read_only(backup)) as source:
        _check(source, backup)
        kept = None
        if database.is_file():
            try:
                kept = backup_sqlite(database, keep_current)
            except (BackupRefused, sqlite3.DatabaseError):
                kept = _set_aside(database, keep_current.with_name(keep_current.stem + "-damaged.db"))
        database.parent.mkdir(parents=True, exist_ok=True)
        try:
            with closing(sqlite3.connect(database, timeout=15)) as live:
                source.backup(live)  # under the live database's locks, its WAL included
        except sqlite3.Error as exc:
            raise BackupRefused(f"{database} could not be restored: {exc}") from None
    return kept


def _set_aside(database: Path, aside: Path) -> Path:
    """A database that cannot be read, moved out of the way with its WAL files."""
    aside.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        beside = Path(f"{database}{suffix}")
        if beside.exists():
            beside.rename(f"{aside}{suffix}")
    database.rename(aside)
    return aside


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=15)


def _check(connection: sqlite3.Connection, path: Path) -> None:
    try:
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{path} is not a usable SQLite database: {exc}") from None
    if verdict != "ok":
        raise BackupRefused(f"{path} fails SQLite's check: {verdict}")


def postgresql_commands(out: Path) -> str:
    """What to run for a PostgreSQL install: the URL is the environment's, never printed."""
    return (f'pg_dump --format=custom --file={shlex.quote(str(out))} "$TRACIQO_DATABASE_URL"\n'
            f'pg_restore --clean --if-exists --no-owner --dbname="$TRACIQO_DATABASE_URL" {shlex.quote(str(out))}')


# -- traciqo-rpc backup | restore ----------------------------------------------------------------------

def register(sub: Any) -> None:
    """`traciqo-rpc backup [--out FILE]` and `traciqo-rpc restore FILE` (hooks.cli_commands)."""
    backup = sub.add_parser("backup", help="copy the SQLite database while the server runs (PostgreSQL: "
                                           "prints the pg_dump command)")
    backup.add_argument("--out", type=Path, default=None,
                        help="the backup file (default: data/backups/traciqo-<UTC time>.db)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="replace the SQLite database with a backup (stop the server first); "
                                             "the database as it was is backed up beside the others")
    restore.add_argument("backup", type=Path, help="a file `traciqo-rpc backup` wrote")
    restore.set_defaults(func=cmd_restore)


def _database(url: str) -> Path | None:
    """The SQLite file of TRACIQO_DATABASE_URL, or None for PostgreSQL."""
    if urlparse(url).scheme in ("postgres", "postgresql"):
        return None
    path = sqlite_path(url)
    if path is None:
        raise BackupRefused("TRACIQO_DATABASE_URL is neither sqlite:///path nor postgresql://...")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from .settings import Settings

    settings = Settings.from_env()
    try:
        database = _database(settings.database_url)
        if database is None:
            out = args.out or default_path(settings.data_dir, suffix=".dump")
            out.parent.mkdir(parents=True, exist_ok=True)  # pg_dump makes no folders
            print("TRACIQO_DATABASE_URL is PostgreSQL: back it up with PostgreSQL's own tools (nothing was "
                  f"copied). To back up, then to restore into the same or an empty database:\n"
                  f"{postgresql_commands(out)}", file=sys.stderr)
            return 2
        out = backup_sqlite(database, args.out or default_path(settings.data_dir))
    except BackupRefused as exc:
        print(f"traciqo-rpc: error: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .settings import Settings

    settings = Settings.from_env()
    try:
        database = _database(settings.database_url)
        if database is None:
            print("TRACIQO_DATABASE_URL is PostgreSQL: restore with pg_restore:\n"
                  + postgresql_commands(args.backup).splitlines()[1], file=sys.stderr)
            return 2
        kept = restore_sqlite(args.backup, database, default_path(settings.data_dir, suffix="-before-restore.db"))
    except BackupRefused as exc:
        print(f"traciqo-rpc: error: {exc}", file=sys.stderr)
        return 2
    if kept:
        print(f"the database as it was is kept in {kept}", file=sys.stderr)
    print(f"{database} restored from {args.backup}")
    return 0
