"""Usage logging off the hot path: API calls counted in memory, written once a second.

Each call adds one to a count per workspace, environment, key, method, verb, status and
minute, and joins a short list of its workspace's recent calls. A background thread writes
the counts (one upsert per distinct key and minute, however many calls it counted) and the
recent calls (at most RECENT_KEPT per workspace and environment per flush). Writing a row
per call cost a fifth of a cached call under load; the counts answer every usage question
but "which calls just happened", which the recent calls do.

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
    created_at: float  # Unix time; the writer gets a naive UTC datetime


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
        self._lock = threading.Lock()
        self._counts: dict[tuple, list[float]] = {}
        self._recent: dict[tuple[int, bool], deque[UsageCall]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._flush_lock = threading.Lock()

    def record(self, call: UsageCall) -> None:
        key = (call.workspace_id, call.is_sandbox, int(call.created_at // 60), call.api_key_id, call.method,
               call.http_method, call.status)
        with self._lock:
            counted = self._counts.get(key)
            if counted is None:
                self._counts[key] = [1, call.duration_ms]
            else:
                counted[0] += 1
                counted[1] += call.duration_ms
            recent = self._recent.get(key[:2])
            if recent is None:
                recent = self._recent[key[:2]] = deque(maxlen=RECENT_KEPT)
            recent.append(call)

    def flush(self) -> int:
        """Write everything recorded so far; returns the number of calls it counted."""
        with self._flush_lock:
            with self._lock:
                counted, self._counts = self._counts, {}
                recent, self._recent = self._recent, {}
            if not counted:
                return 0
            counts = [UsageCount(ws, sandbox, _utc(minute * 60), key_id, method, verb, status, int(n), total)
                      for (ws, sandbox, minute, key_id, method, verb, status), (n, total) in counted.items()]
            calls = [call._replace(created_at=_utc(call.created_at)) for kept in recent.values() for call in kept]
            try:
                with db.transaction():
                    self._writer(counts, calls)
            except Exception:
                log.exception("could not write usage of %d calls", sum(c.calls for c in counts))
                return 0
            return sum(c.calls for c in counts)

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
