"""W3C trace context, and what this thread of work is handling: the ids its log lines carry.

A request takes the trace id of its valid `traceparent` header, or starts a trace of its own;
a job continues the trace of the request (or job) that queued it. Log lines written while a
request or a job is handled carry its ids as fields (logs.py), an event stores its publisher's
trace, and every webhook attempt sends it on as a `traceparent` with a span id of its own.

The request id stays separate from the trace id: the caller chooses a trace id, and one trace
spans many requests (a client's calls, its retries, the jobs they queue), while a request id
names one request (X-Request-Id, quoted in error messages, kept in the request log).
"""

from __future__ import annotations

import contextvars
import os
import random
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any

# version-traceid-parentid-flags, lower-case hex; a later version may append fields after a dash.
_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-.*)?", re.DOTALL)
_NO_TRACE, _NO_SPAN = "0" * 32, "0" * 16


# Our own generator, seeded from the OS: ids never repeat a seeded global `random` (a test's,
# a library's) and drawing them leaves the global state alone.
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)  # an RQ job's forked process draws its own ids


def new_trace_id() -> str:
    """32 hex digits. Unique, not secret: the OS random source is a system call per request."""
    return f"{_ids.getrandbits(128) or 1:032x}"


def new_span_id() -> str:
    return f"{_ids.getrandbits(64) or 1:016x}"


def trace_id_of(traceparent: bytes | str | None) -> str | None:
    """The trace id of a valid `traceparent` header; None when it is absent or invalid (an
    invalid one is ignored, as the W3C recommendation asks, never an error)."""
    if traceparent is None:
        return None
    text = traceparent.decode("latin-1") if isinstance(traceparent, bytes) else traceparent
    found = _TRACEPARENT.fullmatch(text.strip(" \t"))
    if found is None:
        return None
    version, trace_id, parent_id, rest = found.groups()
    if version == "ff" or (version == "00" and rest) or trace_id == _NO_TRACE or parent_id == _NO_SPAN:
        return None
    return trace_id


def traceparent(trace_id: str) -> str:
    """A `traceparent` for one outgoing call of the trace: a new span id each time. Sampled: every
    request and job of ours is recorded (logged), so a receiver may record its part too."""
    return f"00-{trace_id}-{new_span_id()}-01"


# The log fields of the request or job being handled here (request_id, trace_id, job_id).
_handling: ContextVar[dict[str, str] | None] = ContextVar("traciqo_handling", default=None)


def current_fields() -> dict[str, str] | None:
    """The ids of the request or job being handled, as log fields; None outside both."""
    return _handling.get()


def current_trace_id() -> str | None:
    fields = _handling.get()
    return fields.get("trace_id") if fields else None


def request_fields(request_id: str, traceparent: bytes | None) -> dict[str, str]:
    """A request's log fields: its id, and its caller's trace or a new one."""
    return {"request_id": request_id, "trace_id": trace_id_of(traceparent) or new_trace_id()}


def job_fields(job_id: str, meta: dict[str, Any]) -> dict[str, str]:
    """A job's log fields: its id, the request that queued it (when it carries one), and that
    request's trace continued (or a new one, for a job queued by a schedule)."""
    fields = {"job_id": job_id}
    if isinstance(meta.get("request_id"), str):
        fields["request_id"] = meta["request_id"]
    trace_id = meta.get("trace_id")
    fields["trace_id"] = trace_id if isinstance(trace_id, str) and len(trace_id) == 32 else new_trace_id()
    return fields


def job_meta(request_id: str) -> dict[str, str]:
    """What a job queued now carries for its log lines (RQ keeps it as the job's meta)."""
    trace_id = current_trace_id()
    return {"request_id": request_id, "trace_id": trace_id} if trace_id else {"request_id": request_id}


class handling:  # noqa: N801 - used like a function: `with handling(fields):`
    """Make `fields` the ids of what is handled for the block (a class: cheaper than a generator)."""

    __slots__ = ("fields", "token")

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    def __enter__(self) -> dict[str, str]:
        self.token = _handling.set(self.fields)
        return self.fields

    def __exit__(self, *exc_info: object) -> None:
        _handling.reset(self.token)


class ContextThreadPool(ThreadPoolExecutor):
    """A thread pool whose tasks run in a copy of the submitter's context (as asyncio.to_thread
    does; loop.run_in_executor does not), so a call's log fields follow it to its thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
