"""Logging set-up: plain lines by default, JSON lines with TRACIQO_LOG_JSON=1."""

from __future__ import annotations

import atexit
import json
import logging
import logging.handlers
import queue
import sys
import time

from .settings import Settings

_RESERVED = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _DeferredQueueHandler(logging.handlers.QueueHandler):
    """Hands records to the writer thread as they are: formatting and I/O leave the request."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


_listener: logging.handlers.QueueListener | None = None


def configure_logging(settings: Settings) -> None:
    """Lines to stderr, written by a background thread (plain, or JSON with TRACIQO_LOG_JSON=1)."""
    global _listener
    stream = logging.StreamHandler(sys.stderr)
    if settings.log_json:
        stream.setFormatter(JsonFormatter())
    else:
        formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S")
        formatter.converter = time.gmtime
        stream.setFormatter(formatter)
    stop_logging()
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, stream, respect_handler_level=False)
    _listener.start()
    root = logging.getLogger("traciqo")
    root.handlers[:] = [_DeferredQueueHandler(records)]
    root.setLevel(settings.log_level)
    root.propagate = False


@atexit.register
def stop_logging() -> None:
    """Flush and stop the writer thread (at exit, or before logging is configured again)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None
