"""SQLite WAL checkpoints off the write path.

Left to itself, SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages:
that commit copies the WAL back into the database and waits for two fsyncs, and on the
web server every call of its batch waits with it (verify_code's p99 went from 9.5 ms to
5.2 ms, and its throughput up 9%, once the web process stopped doing that). So the web
process turns automatic checkpoints off for its connections and runs a PASSIVE checkpoint
from a thread of its own: PASSIVE never waits for readers or writers, and after it has
copied everything the next writer starts the WAL over from its beginning, so the file stays
as large as what is written between two checkpoints (when writes pause: see below).

Other processes (the CLI, RQ workers) keep SQLite's automatic checkpoints.

The WAL starts over only when a writer begins while a checkpoint has copied all of it and no
reader still reads from it. Under constant writes a PASSIVE checkpoint never catches up with
the writer (in a test, 1,500 commits in 0.14 s: every checkpoint copied all it saw, the WAL
never started over), and readers always in flight, or one long read, hold it too. So when the
file is past its bound (db.WAL_SIZE_LIMIT) the thread runs a RESTART checkpoint: writers wait
while it copies the rest and waits for the readers still in the WAL (readers that arrive
meanwhile read the database file and do not hold it up), at most RESTART_WAIT_MS; the next
commit then starts the WAL over and cuts the file back to its bound. A reader that holds on
past the wait is left alone for RETRY_RESTART_SECONDS, so a long export costs writers at most
a hundredth of their time.
"""

from __future__ import annotations

import logging
import os
import threading
import time

import peewee

from . import db

log = logging.getLogger("traciqo.checkpoint")

INTERVAL_SECONDS = 0.5
RESTART_WAIT_MS = 100  # web calls read for a few ms: a reader past this is a long one
RETRY_RESTART_SECONDS = 10.0


class Checkpointer:
    def __init__(self, database: peewee.SqliteDatabase, interval: float = INTERVAL_SECONDS,
                 bound: int = db.WAL_SIZE_LIMIT, restart_wait_ms: int = RESTART_WAIT_MS,
                 retry_restart: float = RETRY_RESTART_SECONDS) -> None:
        self.database = database
        self.interval = interval
        self.bound = bound
        self.restart_wait_ms = restart_wait_ms
        self.retry_restart = retry_restart
        self._restart_after = 0.0  # time.monotonic() before which no RESTART is tried
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

    def restart(self) -> tuple[int, int, int]:
        """One RESTART checkpoint, waiting at most restart_wait_ms for the readers in the WAL;
        answers SQLite's (busy, WAL pages, pages copied), busy 1 when it could not finish."""
        # Holding the lock this process's writers queue on (db.transaction), it takes SQLite's
        # write lock at once: racing a busy writer for it, it lost one time in ten in a test.
        if not db._sqlite_writer.acquire(timeout=self.restart_wait_ms / 1000):
            return 1, -1, -1
        try:
            self.database.pragma("busy_timeout", self.restart_wait_ms)  # this thread's connection only
            try:
                return tuple(self.database.execute_sql("PRAGMA wal_checkpoint(RESTART)").fetchone())
            finally:
                self.database.pragma("busy_timeout", db.SQLITE_PRAGMAS["busy_timeout"])
        finally:
            db._sqlite_writer.release()

    def wal_bytes(self) -> int:
        try:
            return os.path.getsize(f"{self.database.database}-wal")
        except OSError:  # none yet, or an in-memory database
            return 0

    def turn(self) -> None:
        """What the thread does every interval: a PASSIVE checkpoint, and a RESTART one when the
        WAL is past its bound (after one a reader held up, not before retry_restart seconds)."""
        self.checkpoint()
        if self.wal_bytes() <= self.bound or time.monotonic() < self._restart_after:
            return
        if self.restart()[0]:
            self._restart_after = time.monotonic() + self.retry_restart
            log.warning("the WAL (%d MB) is past its bound and a RESTART checkpoint could not finish within %d ms:"
                        " a long read holds it", self.wal_bytes() >> 20, self.restart_wait_ms)

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
            self.turn()
        except peewee.DatabaseError:  # locked by another process's checkpoint: the next turn copies it
            log.warning("WAL checkpoint failed", exc_info=True)
