"""Serving HTTP with uvicorn, plus the limits it lacks: slow clients cannot keep connections
(and file descriptors) forever, and no more connections are held than the process can open.

uvicorn times out idle keep-alive connections only after a response. A client that connects
and sends nothing, or a header line every few seconds (slowloris), or a body a byte at a time,
kept its connection for good; past the open-file limit the server could no longer open its
own database file. Our protocol (uvicorn's httptools one, extended: uvicorn is pinned below
1.0 for it) closes a connection whose request head is not complete within `header_timeout`,
or is larger than `max_head_bytes`; whose body arrives slower than `body_timeout` plus one
second per `body_min_rate` bytes; and answers 503 at once to a connection past `max_connections`.
"""

from __future__ import annotations

import functools
import logging
import resource
from asyncio import AbstractEventLoop, Transport
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import Settings

log = logging.getLogger("traciqo.serving")

# Files a process needs besides its client connections: database connections, the SQLite
# file and its journal, Redis, logs, the listening socket, uploads being written.
RESERVED_FILES = 128

_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
         b"retry-after: 1\r\nconnection: close\r\ncontent-length: 24\r\n\r\nToo many connections now")
_HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
                   b"connection: close\r\ncontent-length: 27\r\n\r\nRequest head is too large\r\n")


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 15.0
    body_timeout: float = 15.0
    body_min_rate: int = 1024
    max_head_bytes: int = 64 * 1024
    max_connections: int = 1000

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(header_timeout=settings.http_header_timeout, body_timeout=settings.http_body_timeout,
                   body_min_rate=settings.http_body_min_rate, max_head_bytes=settings.http_max_head_bytes,
                   max_connections=connection_cap(settings.http_max_connections, settings.threads))


def connection_cap(wanted: int, threads: int) -> int:
    """`wanted`, lowered to what this process can open beside its own files (raising the soft
    open-file limit to the hard one first, as servers do)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = 65536 if hard == resource.RLIM_INFINITY else hard
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return min(wanted, max(16, soft - RESERVED_FILES - 2 * threads))


# Where a connection is: waiting for a request head, receiving a body, or waiting for the app
# (whose own time is not limited here).
_HEAD, _BODY, _APP = 0, 1, 2


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with request-head and body deadlines, a head size cap and a
    connection cap. A request only notes the time it changes phase; one reaper per server
    closes the connections past their deadline (a timer per request cost ~8% of a call)."""

    def __init__(self, *args: Any, limits: ConnectionLimits = ConnectionLimits(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self._phase, self._since = _HEAD, 0.0
        self._in_head, self._head_bytes = True, 0
        self._body_bytes = 0

    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            log.warning("connection refused: %d open, the cap is %d", len(self.connections) - 1,
                        self.limits.max_connections)
            self.transport.write(_BUSY)
            self.transport.close()
            return
        self._phase, self._since = _HEAD, self.loop.time()
        _Reaper.ensure(self.server_state, self.loop, self.limits)

    def data_received(self, data: bytes) -> None:
        if self._in_head:  # the parser buffers a head until it is complete: bound it
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > self.limits.max_head_bytes and not self.transport.is_closing():
            self.transport.write(_HEAD_TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes, self._body_bytes = False, 0, 0
        self._phase, self._since = _BODY, self.loop.time()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._phase = _APP
        self._in_head = True  # what follows is the next request's head (pipelined, or kept alive)
        super().on_message_complete()

    def on_response_complete(self) -> None:
        idle_next = not self.pipeline  # else uvicorn starts the next request, already read
        super().on_response_complete()
        if idle_next:
            self._phase, self._since = _HEAD, self.loop.time()

    def expired(self, now: float) -> bool:
        if self._phase == _HEAD:
            return now - self._since > self.limits.header_timeout
        if self._phase == _BODY:
            limits = self.limits
            return now > self._since + limits.body_timeout + self._body_bytes / limits.body_min_rate
        return False

    def close_slow(self) -> None:
        if not self.transport.is_closing():
            log.info("closing a slow connection from %s", self.client[0] if self.client else "?")
            self.transport.close()


class _Reaper:
    """Closes a server's connections that are past their deadline, a few times a second."""

    def __init__(self, connections: set[Any], loop: AbstractEventLoop, interval: float) -> None:
        self.connections, self.loop, self.interval = connections, loop, interval
        self.loop.call_later(interval, self.tick)

    @classmethod
    def ensure(cls, server_state: Any, loop: AbstractEventLoop, limits: ConnectionLimits) -> None:
        """Start the server's reaper with its first connection."""
        if getattr(server_state, "traciqo_reaper", None) is None:
            interval = min(1.0, limits.header_timeout / 4, limits.body_timeout / 4)
            server_state.traciqo_reaper = cls(server_state.connections, loop, interval)

    def tick(self) -> None:
        now = self.loop.time()
        for connection in list(self.connections):
            if isinstance(connection, GuardedHttpProtocol) and connection.expired(now):
                connection.close_slow()
        self.loop.call_later(self.interval, self.tick)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What `traciqo-rpc serve` (and the tests' live server) give uvicorn: our protocol with its
    limits (a partial of a module-level class, so that worker processes can unpickle it)."""
    return {
        "http": functools.partial(GuardedHttpProtocol, limits=ConnectionLimits.from_settings(settings)),
        "timeout_keep_alive": settings.http_keepalive_timeout,
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
