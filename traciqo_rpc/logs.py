"""Logging set-up: plain lines by default, JSON lines with TRACIQO_LOG_JSON=1.

Requests log through `logging` as usual, but the handler only queues the record; a writer
thread formats what has queued up and writes it in one go. Per-request logging then costs
the request little more than creating the record.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
import threading
import time
from typing import TextIO

from .settings import Settings

_RESERVED = set(vars(logging.makeLogRecord({})))
_STOP = object()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class PlainFormatter(logging.Formatter):
    """`2026-11-24T15:03:15 INFO traciqo.access GET /... 200 1.2ms rid=... ws=...` (UTC)."""

    _second = -1
    _stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:  # strftime once a second, not once a line
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        line = f"{self._stamp} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _QueueingHandler(logging.Handler):
    def __init__(self, records: queue.SimpleQueue) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.put(record)


class _Writer(threading.Thread):
    """Formats queued records and writes each burst with one write and one flush."""

    def __init__(self, records: queue.SimpleQueue, formatter: logging.Formatter, stream: TextIO) -> None:
        super().__init__(name="traciqo-log-writer", daemon=True)
        self.records, self.formatter, self.stream = records, formatter, stream

    def run(self) -> None:
        while True:
            batch = [self.records.get()]
            while len(batch) < 1000:
                try:
                    batch.append(self.records.get_nowait())
                except queue.Empty:
                    break
            stop = batch[-1] is _STOP
            lines = [self._format(r) for r in batch if r is not _STOP]
            if lines:
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
            if stop:
                return

    def _format(self, record: logging.LogRecord) -> str:
        try:
            return self.formatter.format(record)
        except Exception as exc:  # a bad log call must not kill the writer
            return f"log record could not be formatted: {exc!r}"


_writer: _Writer | None = None


def configure_logging(settings: Settings) -> None:
    """Lines to stderr (plain, or JSON with TRACIQO_LOG_JSON=1), written by a background thread."""
    global _writer
    stop_logging()
    # The logging HOWTO's optimisations: no caller, thread or process look-ups per record.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    records: queue.SimpleQueue = queue.SimpleQueue()
    formatter = JsonFormatter() if settings.log_json else PlainFormatter()
    _writer = _Writer(records, formatter, sys.stderr)
    _writer.start()
    root = logging.getLogger("traciqo")
    root.handlers[:] = [_QueueingHandler(records)]
    root.setLevel(settings.log_level)
    root.propagate = False


@atexit.register
def stop_logging() -> None:
    """Write what is queued and stop the writer (at exit, or before logging is configured again)."""
    global _writer
    if _writer is not None:
        _writer.records.put(_STOP)
        _writer.join(timeout=5)
        _writer = None
