"""WAL checkpoints from a thread of their own: commits no longer copy the WAL back themselves."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest

from traciqo_rpc import db
from traciqo_rpc.checkpoint import Checkpointer

PAGES = 600  # rows of one page each: below SQLite's automatic threshold of 1,000 pages


@pytest.fixture
def database(tmp_path):
    database = db.open_database(f"sqlite:///{tmp_path / 'wal.db'}")
    database.execute_sql("CREATE TABLE blob (id INTEGER PRIMARY KEY, body BLOB)")
    yield database
    database.close()


def _write_pages(database) -> None:
    with database.atomic():
        for _ in range(PAGES):
            database.execute_sql("INSERT INTO blob (body) VALUES (?)", (os.urandom(3000),))


def _wal_size(database) -> int:
    return os.path.getsize(database.database + "-wal")


def _autocheckpoint_in_new_thread(database) -> int:
    found = []

    def read() -> None:
        found.append(database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0])
        database.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return found[0]


def test_the_thread_keeps_the_wal_from_growing(database):
    checkpointer = Checkpointer(database, interval=0.02)
    checkpointer.start()
    try:
        assert _autocheckpoint_in_new_thread(database) == 0  # commits never checkpoint themselves
        _write_pages(database)
        first = _wal_size(database)
        time.sleep(0.3)  # several turns of the thread: everything is copied back
        _write_pages(database)  # so this starts the WAL over instead of appending to it
        assert _wal_size(database) < first * 1.2
    finally:
        checkpointer.stop()
    assert database.execute_sql("SELECT count(*) FROM blob").fetchone()[0] == 2 * PAGES


def test_without_checkpoints_the_wal_grows(database):
    # The control for the test above: the same writes, with automatic checkpoints off and no thread.
    database.pragma("wal_autocheckpoint", 0, permanent=True)
    _write_pages(database)
    first = _wal_size(database)
    _write_pages(database)
    assert _wal_size(database) > first * 1.8


def test_a_checkpoint_reports_what_it_copied(database):
    checkpointer = Checkpointer(database)
    database.pragma("wal_autocheckpoint", 0, permanent=True)
    _write_pages(database)
    busy, wal_pages, copied = checkpointer.checkpoint()
    assert busy == 0 and wal_pages >= PAGES and copied == wal_pages


def test_the_web_runtime_checkpoints_only_on_sqlite(rt):
    if db.is_sqlite():
        assert rt.checkpointer is not None
    else:
        assert rt.checkpointer is None


# The WAL's bound under constant writes with a long read open (db.WAL_SIZE_LIMIT is 64 MB; the
# tests use a smaller one, above SQLite's own checkpoint threshold of 1,000 pages, about 4 MB).
BOUND = 5 * 1024 * 1024
ROWS = 2500  # of one page each, one commit each: about 10 MB of WAL while the reader holds it
SLACK = 64 * 1024  # a commit's frames past the bound


def test_every_connection_bounds_the_wal_and_checkpoints_by_itself(database):
    assert database.execute_sql("PRAGMA journal_size_limit").fetchone()[0] == db.WAL_SIZE_LIMIT == 64 * 1024 * 1024
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def _write_rows(database, rows: int) -> int:
    """`rows` commits of one row each, each queued on the lock the process's writers take (as
    db.transaction does); answers the largest the WAL file was after one."""
    largest = 0
    for _ in range(rows):
        with db._sqlite_writer:
            database.execute_sql("INSERT INTO blob (body) VALUES (?)", (os.urandom(3000),))
        largest = max(largest, _wal_size(database))
    return largest


def _reader(database):
    """Another connection in the middle of a read: its snapshot keeps the WAL from starting over."""
    reader = sqlite3.connect(database.database, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM blob").fetchone()
    return reader


@pytest.mark.parametrize("limit", [BOUND, -1])
def test_the_wal_shrinks_to_its_bound_once_a_long_reader_lets_go(database, limit):
    """Workers and the CLI: SQLite checkpoints in the commit that takes the WAL past 1,000 pages."""
    database.pragma("journal_size_limit", limit, permanent=True)
    reader = _reader(database)
    _write_rows(database, ROWS)
    assert _wal_size(database) > 2 * BOUND  # nothing could be copied back past the reader's snapshot
    reader.close()
    _write_rows(database, 3)  # a checkpoint, then the WAL starts over
    largest = _write_rows(database, 1500)
    if limit == BOUND:
        assert largest <= BOUND + SLACK
    else:  # the control: without a limit the file stays as large as it grew
        assert largest > 2 * BOUND


def test_the_checkpoint_thread_brings_the_wal_back_to_its_bound(database):
    """The web process: automatic checkpoints off, the thread's instead."""
    database.pragma("journal_size_limit", BOUND, permanent=True)
    checkpointer = Checkpointer(database, interval=0.02, bound=BOUND)
    checkpointer.start()
    try:
        reader = _reader(database)
        _write_rows(database, ROWS)
        assert _wal_size(database) > 2 * BOUND
        reader.close()
        _write_rows(database, 1500)  # constant writes: only a RESTART lets the WAL start over
        time.sleep(0.2)  # a few turns
        assert _write_rows(database, 10) <= BOUND + SLACK
    finally:
        checkpointer.stop()
    assert database.execute_sql("SELECT count(*) FROM blob").fetchone()[0] == ROWS + 1510


@pytest.mark.parametrize("restarts", [True, False])
def test_under_constant_writes_the_thread_keeps_the_wal_near_its_bound(database, monkeypatch, restarts):
    """A PASSIVE checkpoint never catches up with a writer that never pauses: only a RESTART
    lets the WAL start over (the control, without them, grows by all it is written)."""
    database.pragma("journal_size_limit", BOUND, permanent=True)
    if not restarts:
        monkeypatch.setattr(Checkpointer, "restart", lambda self: (1, 0, 0))
    checkpointer = Checkpointer(database, interval=0.02, bound=BOUND)
    checkpointer.start()
    try:
        largest = _write_rows(database, 6000)  # about 70 MB of WAL in all
    finally:
        checkpointer.stop()
    if restarts:
        assert largest < 5 * BOUND  # the bound, and what is written between two turns
    else:
        assert largest > 10 * BOUND


def test_readers_always_in_flight_are_waited_out_by_a_restart(database):
    """Reads that always overlap keep a PASSIVE checkpoint from ever freeing the WAL; a RESTART
    one waits for the readers in it, while a reader that starts meanwhile reads the database."""
    database.pragma("journal_size_limit", BOUND, permanent=True)
    database.pragma("wal_autocheckpoint", 0, permanent=True)
    checkpointer = Checkpointer(database, bound=BOUND, restart_wait_ms=10_000)
    reader = _reader(database)
    for _ in range(6):  # each reader starts before the last one ends: one is always in the WAL
        _write_rows(database, 500)
        next_reader = _reader(database)
        reader.close()
        reader = next_reader
        checkpointer.checkpoint()
    assert _wal_size(database) > 2 * BOUND

    answered = []

    def turn() -> None:
        answered.append(checkpointer.restart())
        database.close()  # this thread's connection

    restarting = threading.Thread(target=turn)
    restarting.start()
    time.sleep(0.2)  # the RESTART is waiting for the reader
    assert restarting.is_alive()
    newcomer = _reader(database)  # starts during the wait, and does not hold it up
    reader.close()
    restarting.join(timeout=10)
    assert answered and answered[0][0] == 0  # not busy: the WAL is all copied, free to start over
    assert _write_rows(database, 100) <= BOUND + SLACK  # the WAL started over, and was cut back
    newcomer.close()


def test_a_restart_gives_up_on_a_reader_that_holds_on(database):
    database.pragma("wal_autocheckpoint", 0, permanent=True)
    checkpointer = Checkpointer(database, restart_wait_ms=50)
    reader = _reader(database)
    _write_rows(database, 50)
    started = time.monotonic()
    assert checkpointer.restart()[0] == 1  # busy
    assert time.monotonic() - started < 2
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == db.SQLITE_PRAGMAS["busy_timeout"]
    reader.close()


def test_after_a_reader_held_a_restart_up_the_next_waits(database):
    database.pragma("journal_size_limit", BOUND, permanent=True)
    database.pragma("wal_autocheckpoint", 0, permanent=True)
    restarts = []

    class Counting(Checkpointer):
        def restart(self):
            restarts.append(super().restart())
            return restarts[-1]

    checkpointer = Counting(database, bound=BOUND, restart_wait_ms=20, retry_restart=60)
    checkpointer.turn()
    assert restarts == []  # within its bound: PASSIVE only
    reader = _reader(database)
    _write_rows(database, ROWS)
    checkpointer.turn()
    checkpointer.turn()
    assert [busy for busy, _, _ in restarts] == [1]  # tried once, then left alone
    reader.close()
    checkpointer._restart_after = 0  # the minute has passed
    checkpointer.turn()
    assert [busy for busy, _, _ in restarts] == [1, 0]
    assert _write_rows(database, 1) <= BOUND + SLACK
