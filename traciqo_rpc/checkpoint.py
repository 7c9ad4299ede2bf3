"""SQLite WAL checkpoints off the write path.

Left to itself, SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages:
that commit copies the WAL back into the database and waits for two fsyncs, and on the
web server every call of its batch waits with it (verify_code's p99 went from 9.5 ms to
5.2 ms, and its throughput up 9%, once the web process stopped doing that). So the web
process turns automatic checkpoints off for its connections and runs a PASSIVE checkpoint
from a thread of its own: PASSIVE never waits for readers or writers, and after it has
copied everything the next writer starts the WAL over from its beginning, so the file stays
as large as what is written between two checkpoints.

Other processes (the CLI, RQ workers) keep SQLite's automatic checkpoints.
"""

from __future__ import annotations

import logging
import threading

import peewee

log = logging.getLogger("traciqo.checkpoint")

INTERVAL_SECONDS = 0.5


class Checkpointer:
    def __init__(self, database: peewee.SqliteDatabase, interval: float = INTERVAL_SECONDS) -> None:
        self.database = database
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        # For every connection opened from now on, and this thread's if it is open.
        self.database.pragma("wal_autocheckpoint", 0, permanent=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._work, name="traciqo-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after one last checkpoint. This database's connections keep automatic
        checkpoints off; SQLite still checkpoints when the last one closes."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint; answers SQLite's (busy, WAL pages, pages copied)."""
        return tuple(self.database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone())

    def _work(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                self._checkpoint_logged()
            self._checkpoint_logged()
        finally:
            if not self.database.is_closed():
                self.database.close()  # this thread's own connection

    def _checkpoint_logged(self) -> None:
        try:
            self.checkpoint()
        except peewee.DatabaseError:  # locked by another process's checkpoint: the next turn copies it
            log.warning("WAL checkpoint failed", exc_info=True)
