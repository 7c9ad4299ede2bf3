"""WAL checkpoints from a thread of their own: commits no longer copy the WAL back themselves."""

from __future__ import annotations

import os
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
