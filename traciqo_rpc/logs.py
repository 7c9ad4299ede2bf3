"""Logging set-up: plain lines by default, JSON lines with TRACIQO_LOG_JSON=1.

Requests log through `logging` as usual; the handler formats the record and appends the
line to a buffer, and a writer thread wakes every 50 ms (at once for warnings and errors)
and writes what has gathered in one go. No thread is woken per line, and no record is kept
alive past its request.

The same handler takes every other logger's lines too (uvicorn's, RQ's, any library's, and
Python's warnings with JSON), so a process writes one format. In JSON, a line logged while a
request or a job is handled carries its ids as fields: request_id, trace_id, job_id (tracing.py).
A forked child (an RQ job horse, RQ's scheduler) has no writer thread: it writes each line at once.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import threading
import time
from collections import deque
from typing import TextIO

from .context import current_context_or_none
from .settings import Settings
from .tracing import current_fields

# A record's own attributes; the rest are extras, shown as fields. uvicorn adds a coloured copy
# of its message as an extra: left out.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"taskName", "color_message"}
FLUSH_SECONDS = 0.05
# Loggers that bring handlers of their own (uvicorn's dictConfig, RQ's colour handlers): ours
# replace them. uvicorn's access log stays off: our access line has the request id.
_TAKEN_OVER = ("uvicorn", "uvicorn.error", "rq.worker", "rq.job", "rq.scheduler", "rq.cron")
# json.dumps builds an encoder per call when given any option; one encoder, built once.
_dumps = json.JSONEncoder(default=str).encode


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": _json_time(record.created, record.msecs),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        _add_handled(entry)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return _dumps(entry)

    def access_line(self, created: float, fields: tuple) -> str:
        """What format() makes of AccessRecord(*fields) created at `created`."""
        method, path, status, ms, request_id, workspace = fields
        entry = {
            "ts": _json_time(created, (created - int(created)) * 1000), "level": "info", "logger": access_log.name,
            "msg": _ACCESS_FORMAT % fields, "method": method, "path": path, "status": status, "ms": round(ms, 2),
            "request_id": request_id, "workspace": workspace,
        }
        _add_handled(entry)
        return _dumps(entry)


def _add_handled(entry: dict) -> None:
    """The ids of the request or job being handled, as fields (a record's own extras win)."""
    fields = current_fields()
    if fields is None:
        ctx = current_context_or_none()  # e.g. a call in the batch writer's thread
        if ctx is None:
            return
        fields = {"request_id": ctx.request_id, "trace_id": ctx.trace_id}
    for name, value in fields.items():
        entry.setdefault(name, value)


def _json_time(created: float, msecs: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(msecs):03d}Z"


class PlainFormatter(logging.Formatter):
    """`2026-11-24T15:03:15 INFO traciqo.access GET /... 200 1.2ms rid=... ws=...` (UTC)."""

    _second = -1
    _stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self._stamp_of(record.created)} {record.levelname} {record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line

    def access_line(self, created: float, fields: tuple) -> str:
        """What format() makes of AccessRecord(*fields) created at `created`."""
        return f"{self._stamp_of(created)} INFO {access_log.name} {_ACCESS_FORMAT % fields}"

    def _stamp_of(self, created: float) -> str:
        second = int(created)
        if second != self._second:  # strftime once a second, not once a line
            self._second, self._stamp = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return self._stamp


class _BufferingHandler(logging.Handler):
    def __init__(self, writer: _Writer) -> None:
        super().__init__()
        self.writer = writer

    def handle(self, record: logging.LogRecord) -> bool:
        # No handler lock: deque appends are atomic, and the lock cost more than the append.
        if not self.filter(record):
            return False
        self.writer.lines.append(self.writer.format(record))
        if record.levelno >= logging.WARNING:
            self.writer.wake.set()
        return True

    def emit(self, record: logging.LogRecord) -> None:
        self.handle(record)


access_log = logging.getLogger("traciqo.access")
_STARTED = time.time()  # for relativeCreated, as logging's own (private) start time serves its records
_ACCESS_FORMAT = "%s %s %s %.1fms rid=%s ws=%s"


class AccessRecord(logging.LogRecord):
    """A request's access line, built without LogRecord's general-purpose __init__.

    That __init__ (clock, file name, module, thread and process look-ups) cost a fifth of a
    cached method call; this copies the constant attributes from one template (formatters
    read them from `__dict__`) and adds the request's fields as extras (method, path,
    status, ms, request_id, workspace).
    """

    _constant = {
        "name": access_log.name, "levelno": logging.INFO, "levelname": "INFO", "pathname": __file__,
        "filename": "logs.py", "module": "logs", "lineno": 0, "funcName": None, "exc_info": None,
        "exc_text": None, "stack_info": None, "thread": None, "threadName": None, "process": None,
        "processName": None, "taskName": None, "msg": _ACCESS_FORMAT,
    }

    def __init__(self, method: str, path: str, status: int, ms: float, request_id: str, workspace: str) -> None:
        self.__dict__.update(self._constant)
        self.created = created = time.time()
        self.msecs = (created - int(created)) * 1000
        self.relativeCreated = (created - _STARTED) * 1000
        self.args = (method, path, status, ms, request_id, workspace)
        self.method, self.path, self.status, self.ms = method, path, status, round(ms, 2)
        self.request_id, self.workspace = request_id, workspace


def log_access(method: str, path: str, status: int, ms: float, request_id: str, workspace: str | None) -> None:
    """One line per request through the `traciqo.access` logger (its level, filters and handlers).

    In the set-up configure_logging makes, the record would reach our buffering handler alone,
    unfiltered: then the line is made straight from the fields, the same text the record would
    give (building the record and walking the loggers to the handler was half a cached call's
    logging cost). Any other set-up (a filter, another handler) gets a real record.
    """
    if not access_log.isEnabledFor(logging.INFO):
        return
    fields = (method, path, status, ms, request_id, workspace or "-")
    handler = _sole_handler()
    if handler is None:
        access_log.handle(AccessRecord(*fields))
    else:
        handler.writer.lines.append(handler.writer.formatter.access_line(time.time(), fields))


def _sole_handler() -> _BufferingHandler | None:
    """Our handler, when an access record would reach it and nothing else, through no filter."""
    if access_log.handlers or access_log.filters or not access_log.propagate:
        return None
    parent = access_log.parent
    if parent is None or parent.propagate or parent.filters or len(parent.handlers) != 1:
        return None
    handler = parent.handlers[0]
    if type(handler) is not _BufferingHandler or handler.filters or handler.level > logging.INFO:
        return None
    return handler


class _WriteAtOnce:
    """Stands in for the buffer where no writer thread runs (a forked child, or after stop):
    each line is written as it comes, so nothing waits for a thread that is not there."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def append(self, line: str) -> None:
        try:
            with self.lock:
                self.stream.write(line + "\n")
                self.stream.flush()
        except (OSError, ValueError):  # the stream is gone (closed at exit)
            pass

    def popleft(self) -> str:
        raise IndexError("nothing is buffered")

    def __bool__(self) -> bool:
        return False


class _Writer(threading.Thread):
    """Writes the buffered lines every FLUSH_SECONDS (or when woken) with one write and one flush."""

    def __init__(self, formatter: PlainFormatter | JsonFormatter, stream: TextIO) -> None:
        super().__init__(name="traciqo-log-writer", daemon=True)
        self.lines: deque[str] | _WriteAtOnce = deque()
        self.wake = threading.Event()
        self.stopping = False
        self.formatter, self.stream = formatter, stream

    def run(self) -> None:
        while not self.stopping:
            self.wake.wait(FLUSH_SECONDS)
            self.wake.clear()
            self.drain()
        self.drain()

    def drain(self) -> None:
        lines = []
        while self.lines:
            lines.append(self.lines.popleft())
        if lines:
            self.stream.write("\n".join(lines) + "\n")
            self.stream.flush()

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()
        if self.is_alive():
            self.join(timeout=5)
        # A line logged from now on (a daemon thread at exit) is written at once; then what the
        # thread left, so no line falls between its last drain and the switch.
        buffered = self.write_at_once()
        while buffered:
            self.lines.append(buffered.popleft())

    def write_at_once(self) -> deque[str] | _WriteAtOnce:
        """Write each line as it comes from now on; answers the buffer it replaces."""
        buffered, self.lines = self.lines, _WriteAtOnce(self.stream)
        return buffered

    def format(self, record: logging.LogRecord) -> str:
        try:
            return self.formatter.format(record)
        except Exception as exc:  # a bad log call must not kill the writer
            return f"log record could not be formatted: {exc!r}"


_writer: _Writer | None = None


def configure_logging(settings: Settings) -> None:
    """Lines to stderr (plain, or JSON with TRACIQO_LOG_JSON=1), written by a background thread:
    ours, and uvicorn's, RQ's and any other logger's that reach the root logger."""
    global _writer
    stop_logging()
    # The logging HOWTO's public switches: no thread or process look-ups per record.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    formatter = JsonFormatter() if settings.log_json else PlainFormatter()
    _writer = _Writer(formatter, sys.stderr)
    _writer.start()
    handler = _BufferingHandler(_writer)
    ours = logging.getLogger("traciqo")
    ours.handlers[:] = [handler]  # its own, not through the root: the access line's fast path
    ours.setLevel(settings.log_level)
    ours.propagate = False
    root = logging.getLogger()
    # Only our earlier handler goes: others (a test runner's) stay.
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _BufferingHandler)] + [handler]
    for name in _TAKEN_OVER:
        taken = logging.getLogger(name)
        taken.handlers.clear()
        taken.propagate = True
    logging.getLogger("uvicorn").setLevel(settings.log_level)  # its start-up and shut-down lines
    _plain_rq_messages()
    if settings.log_json:
        logging.captureWarnings(True)  # a warning is one JSON line too (logger py.warnings)


def _plain_rq_messages() -> None:
    """RQ colours parts of its messages when stdout is a terminal; its lines are ours now."""
    from rq.logutils import colorizer

    colorizer.notty = True


@atexit.register
def stop_logging() -> None:
    """Write what is buffered and stop the writer (at exit, or before logging is configured
    again); a line logged afterwards is written at once, in the same format."""
    global _writer
    if _writer is not None:
        logging.captureWarnings(False)
        _writer.stop()
        _writer = None


def write_at_once() -> None:
    """From now on write each line as it comes (a server whose application has shut down).

    uvicorn ends by raising the SIGTERM it caught again, and that kills the process before
    exit handlers run: its last lines ("Finished server process") died in the buffer."""
    if _writer is not None:
        _writer.stop()


def _write_at_once_in_child() -> None:
    # Lines buffered before the fork are the parent's to write; the child writes its own at once
    # (an RQ job horse ends with os._exit: nothing would flush a buffer).
    if _writer is not None:
        _writer.write_at_once()


os.register_at_fork(after_in_child=_write_at_once_in_child)
