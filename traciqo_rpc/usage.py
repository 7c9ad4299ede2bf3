"""Usage logging off the hot path: API calls queued in memory, counted and written once a second.

A call is one append to a queue (thread-safe, no lock). Once a second a background thread
drains the queue, adds each call to a count per workspace, environment, key, method, verb,
status and minute, and writes the counts (one upsert per distinct key and minute, however
many calls it counted) and the newest calls (at most RECENT_KEPT per workspace and
environment per flush). Writing a row per call cost a fifth of a cached call under load,
and counting under a lock on the request path another few per cent; the counts answer every
usage question but "which calls just happened", which the recent calls do.

A crash loses at most the last second of usage, never business data.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import NamedTuple

from . import db

log = logging.getLogger("traciqo.usage")

MAX_QUEUED = 500_000  # calls waiting for the next flush
RECENT_KEPT = 100  # recent calls kept per workspace and environment per flush (get_api_usage's largest page)


class UsageCall(NamedTuple):
    """One API call, as recorded and, for the recent ones, written."""

    workspace_id: int
    is_sandbox: bool
    api_key_id: int
    method: str
    http_method: str
    status: int
    duration_ms: float
    request_id: str
    created_at: float | dt.datetime  # recorded as Unix time; the writer gets a naive UTC datetime


class UsageCount(NamedTuple):
    """Calls of one key to one method with one status in one minute."""

    workspace_id: int
    is_sandbox: bool
    minute: dt.datetime  # naive UTC, the start of the minute
    api_key_id: int
    method: str
    http_method: str
    status: int
    calls: int
    total_ms: float


UsageWriter = Callable[[list[UsageCount], list[UsageCall]], None]


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).replace(tzinfo=None)


class RequestLogBuffer:
    def __init__(self, writer: UsageWriter, interval: float = 1.0) -> None:
        """`writer(counts, recent_calls)` stores one flush (hooks.request_log_writer)."""
        self._writer = writer
        self._interval = interval
        # Bounded: if writing stalls (a locked database) for half a minute at full speed, the
        # oldest calls go uncounted rather than memory growing without end.
        self._queue: deque[tuple] = deque(maxlen=MAX_QUEUED)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._flush_lock = threading.Lock()

    def record(self, call: tuple) -> None:
        """Called on every API call with a tuple in UsageCall's field order (the named tuple is made
        only for the calls kept as recent). Deque appends are atomic, so no lock is taken."""
        self._queue.append(call)

    def flush(self) -> int:
        """Write everything recorded so far; returns the number of calls it counted."""
        with self._flush_lock:
            counts, calls = self._drain()
            if not counts:
                return 0
            try:
                with db.transaction():
                    self._writer(counts, calls)
            except Exception:
                log.exception("could not write usage of %d calls", sum(c.calls for c in counts))
                return 0
            return sum(c.calls for c in counts)

    def _drain(self) -> tuple[list[UsageCount], list[UsageCall]]:
        """Count the queued calls (only those queued before the drain began: a busy server
        cannot keep a flush going) and keep the newest of each workspace and environment."""
        counted: dict[tuple, list[float]] = {}
        recent: dict[tuple[int, bool], deque[tuple]] = {}
        take = self._queue.popleft
        for _ in range(len(self._queue)):
            call = take()
            workspace_id, is_sandbox, api_key_id, method, http_method, status, duration_ms, _, created_at = call
            key = (workspace_id, is_sandbox, int(created_at // 60), api_key_id, method, http_method, status)
            totals = counted.get(key)
            if totals is None:
                counted[key] = [1, duration_ms]
            else:
                totals[0] += 1
                totals[1] += duration_ms
            kept = recent.get(key[:2])
            if kept is None:
                kept = recent[key[:2]] = deque(maxlen=RECENT_KEPT)
            kept.append(call)
        counts = [UsageCount(ws, sandbox, _utc(minute * 60), key_id, method, verb, status, int(n), total)
                  for (ws, sandbox, minute, key_id, method, verb, status), (n, total) in counted.items()]
        calls = [UsageCall._make((*call[:-1], _utc(call[-1]))) for kept in recent.values() for call in kept]
        return counts, calls

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
