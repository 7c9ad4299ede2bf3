"""Request logging for usage stats, off the hot path: buffered in memory, written in batches."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from . import db

log = logging.getLogger("traciqo.usage")


class UsageRow(NamedTuple):
    """One API call, as hooks.request_log_writer receives it (a tuple: cheap to make and to insert)."""

    workspace_id: int
    is_sandbox: bool
    api_key_id: int
    method: str
    http_method: str
    status: int
    duration_ms: float
    request_id: str
    created_at: dt.datetime


class RequestLogBuffer:
    """Collects one UsageRow per API call; a background thread writes them with one insert per batch.

    A crash loses at most the last flush interval of usage rows, never business data.
    """

    def __init__(self, writer: Callable[[list[UsageRow]], None], interval: float = 1.0) -> None:
        self._writer = writer
        self._interval = interval
        self._pending: deque[UsageRow] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._flush_lock = threading.Lock()

    def record(self, row: UsageRow) -> None:
        self._pending.append(row)

    def flush(self) -> int:
        """Write everything recorded so far; returns the number of rows written."""
        with self._flush_lock:
            rows = []
            while self._pending:
                rows.append(self._pending.popleft())
            if not rows:
                return 0
            try:
                for start in range(0, len(rows), 1000):
                    with db.transaction():
                        self._writer(rows[start:start + 1000])
            except Exception:
                log.exception("could not write %d request log rows", len(rows))
                return 0
            return len(rows)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="traciqo-usage", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.flush()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.flush()
