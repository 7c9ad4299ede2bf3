"""`traciqo-rpc backup` and `restore`: a SQLite backup taken while another connection writes is one
moment of the database; a restore brings that moment back; PostgreSQL gets pg_dump's commands,
which work as printed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from tests.support.processes import SCRIPT, command_env
from traciqo_rpc import backup, wiring
from traciqo_rpc.db import SQLITE_PRAGMAS

PG_URL = os.environ.get("TRACIQO_TEST_DATABASE_URL")


def connect(path: Path) -> sqlite3.Connection:
    """A connection as the server opens one (WAL, a busy timeout)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for name, value in SQLITE_PRAGMAS.items():
        connection.execute(f"PRAGMA {name} = {value}")
    return connection


def test_a_backup_is_one_moment_while_another_connection_writes(tmp_path):
    database = tmp_path / "live.db"
    live = connect(database)
    live.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, body BLOB)")
    live.execute("CREATE TABLE tally (entries INTEGER)")
    live.execute("INSERT INTO tally VALUES (0)")
    for _ in range(200):  # a few MB, so that each backup takes a while
        live.execute("INSERT INTO entry (body) VALUES (randomblob(20000))")
    live.execute("UPDATE tally SET entries = 200")

    stop = threading.Event()
    written = [0]
    failures: list[BaseException] = []

    def write() -> None:  # a row and the tally in one transaction: any moment has them agree
        try:
            while not stop.is_set() and written[0] < 100_000:
                live.execute("BEGIN IMMEDIATE")
                live.execute("INSERT INTO entry (body) VALUES (randomblob(1000))")
                live.execute("UPDATE tally SET entries = entries + 1")
                live.execute("COMMIT")
                written[0] += 1
        except BaseException as exc:
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        backups = []
        for number in range(5):
            before = written[0]
            backups.append(backup.backup_sqlite(database, tmp_path / "backups" / f"b{number}.db"))
            assert written[0] > before or failures, "the writer made no progress while the backup ran"
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not failures, failures  # the writer was never refused (WAL: a reader never blocks it)

    seen = []
    for path in backups:
        assert not path.with_name(path.name + ".partial").exists()
        assert not Path(f"{path}-wal").exists()
        with sqlite3.connect(path) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            rows, = copy.execute("SELECT COUNT(*) FROM entry").fetchone()
            assert copy.execute("SELECT entries FROM tally").fetchone() == (rows,)
            seen.append(rows)
    assert seen == sorted(seen) and seen[-1] > seen[0] >= 200  # later backups, later moments
    live.close()


@pytest.fixture
def cli(tmp_path):
    """`traciqo-rpc ...` in tmp_path, on sqlite:///traciqo.db and the data folder there."""
    env = command_env(TRACIQO_LOG_LEVEL="WARNING")

    def run(*args: str, code: int = 0, **variables: str) -> subprocess.CompletedProcess:
        result = subprocess.run([SCRIPT, *args], cwd=tmp_path, env={**env, **variables}, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == code, f"{args} exited {result.returncode}: {result.stderr}"
        return result

    return run


def workspaces(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [name for name, in connection.execute("SELECT name FROM workspace ORDER BY name")]


def test_restore_brings_the_backup_back(cli, tmp_path):
    cli("migrate")
    cli("fixtures")
    cli("workspace", "create", "--name", "Before")
    made = Path(cli("backup").stdout.strip())
    assert made.parent == Path("data/backups") and made.name.startswith("traciqo-") and made.suffix == ".db"

    server = connect(tmp_path / "traciqo.db")  # a connection left open, as a server's would be
    cli("workspace", "create", "--name", "After")
    assert Path(tmp_path / "traciqo.db-wal").stat().st_size > 0  # the newest writes are in the -wal file
    assert workspaces(tmp_path / "traciqo.db") == ["After", "Before"]

    result = cli("restore", str(made))
    assert "restored from" in result.stdout
    assert workspaces(tmp_path / "traciqo.db") == ["Before"]
    assert server.execute("SELECT COUNT(*) FROM workspace").fetchone() == (1,)  # the open one sees it too
    with sqlite3.connect(tmp_path / "traciqo.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    server.close()

    kept = [path for path in (tmp_path / "data" / "backups").iterdir() if "before-restore" in path.name]
    assert len(kept) == 1 and workspaces(kept[0]) == ["After", "Before"]  # what it replaced
    assert str(kept[0].relative_to(tmp_path)) in result.stderr
    cli("workspace", "create", "--name", "Again")  # the restored database serves
    assert workspaces(tmp_path / "traciqo.db") == ["Again", "Before"]


def small_database(path: Path, rows: int = 1) -> Path:
    with closing(connect(path)) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS entry (id INTEGER PRIMARY KEY)")
        connection.executemany("INSERT INTO entry VALUES (NULL)", [()] * rows)
    return path


def entries(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT COUNT(*) FROM entry").fetchone()[0]


def test_refusals(cli, tmp_path):
    assert "no SQLite database at traciqo.db" in cli("backup", code=2).stderr
    live = small_database(tmp_path / "live.db")
    made = backup.backup_sqlite(live, tmp_path / "one.db")
    with pytest.raises(backup.BackupRefused, match="exists already"):
        backup.backup_sqlite(live, made)

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    keep = tmp_path / "kept.db"
    with pytest.raises(backup.BackupRefused, match="not a usable SQLite database"):
        backup.restore_sqlite(junk, live, keep)
    with pytest.raises(backup.BackupRefused, match="no backup at"):
        backup.restore_sqlite(tmp_path / "missing.db", live, keep)
    assert entries(live) == 1 and not keep.exists()  # untouched, nothing kept


def test_a_damaged_database_is_set_aside(tmp_path):
    made = backup.backup_sqlite(small_database(tmp_path / "live.db", rows=3), tmp_path / "one.db")
    (tmp_path / "live.db").write_bytes(b"damaged" * 1000)
    kept = backup.restore_sqlite(made, tmp_path / "live.db", tmp_path / "backups" / "before.db")
    assert kept == tmp_path / "backups" / "before-damaged.db" and kept.read_bytes() == b"damaged" * 1000
    assert entries(tmp_path / "live.db") == 3
    small_database(tmp_path / "live.db")  # it takes writes again
    assert entries(tmp_path / "live.db") == 4


def test_postgresql_gets_the_commands_to_run(cli, tmp_path):
    url = "postgresql://someone:s3cret@db.example:5432/traciqo"
    result = cli("backup", code=2, TRACIQO_DATABASE_URL=url)
    assert 'pg_dump --format=custom --file=data/backups/traciqo-' in result.stderr
    assert '"$TRACIQO_DATABASE_URL"' in result.stderr and "s3cret" not in result.stderr
    assert "pg_restore --clean --if-exists --no-owner" in result.stderr
    assert (tmp_path / "data" / "backups").is_dir() and not list((tmp_path / "data" / "backups").iterdir())
    assert "pg_restore" in cli("restore", "x.dump", code=2, TRACIQO_DATABASE_URL=url).stderr


@pytest.mark.skipif(not PG_URL or not shutil.which("pg_dump"),
                    reason="needs TRACIQO_TEST_DATABASE_URL and PostgreSQL's client tools")
def test_the_printed_postgresql_commands_back_up_and_restore(cli, tmp_path):
    assert PG_URL
    with psycopg.connect(PG_URL, autocommit=True) as connection:  # our tables only, made afresh
        tables = ", ".join(f'"{model._meta.table_name}"' for model in wiring.load().models)
        connection.execute(f"DROP TABLE IF EXISTS {tables} CASCADE")
    cli("migrate", TRACIQO_DATABASE_URL=PG_URL)
    cli("fixtures", TRACIQO_DATABASE_URL=PG_URL)
    cli("workspace", "create", "--name", "Before", TRACIQO_DATABASE_URL=PG_URL)
    dump, restore = cli("backup", "--out", "pg.dump", code=2, TRACIQO_DATABASE_URL=PG_URL).stderr.splitlines()[-2:]

    env = {**command_env(), "TRACIQO_DATABASE_URL": PG_URL}
    subprocess.run(["bash", "-c", dump], cwd=tmp_path, env=env, check=True, timeout=120)
    cli("workspace", "create", "--name", "After", TRACIQO_DATABASE_URL=PG_URL)
    subprocess.run(["bash", "-c", restore], cwd=tmp_path, env=env, check=True, timeout=120, capture_output=True)
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        names = [name for name, in connection.execute("SELECT name FROM workspace")]
    assert names == ["Before"]
    cli("workspace", "create", "--name", "Again", TRACIQO_DATABASE_URL=PG_URL)  # sequences came back too
