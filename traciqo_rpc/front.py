"""The front door of every HTTP request: a request id on the response, one access log line,
method calls and REST routes handed straight to the dispatcher, and a page's GET straight to
its page (pages.py); anything else (HEAD, files, probes) goes on to Starlette's router. Going
round Starlette's routing, middleware and response objects took a third of a dashboard page's
time on the event loop.

Calls from a banned address are refused here, before anything is read (ip_ban.py), and every
401 the dispatcher answers counts as a failed authentication of the caller's address."""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import dispatch, tracing
from .context import new_request_id
from .errors import AddressBanned, TraciqoError
from .ip_ban import LocalBans
from .logs import log_access
from .rendering import Reply, error_reply
from .rest import PREFIXES
from .runtime import Runtime

if TYPE_CHECKING:
    from .metrics import Metrics

log = logging.getLogger("traciqo.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class FrontDoor:
    def __init__(self, rt: Runtime, routes: ASGIApp, bans: LocalBans, metrics: Metrics | None = None) -> None:
        self.runtime = rt
        self.routes = routes
        self.bans = bans
        self.metrics = metrics  # counts each request where its access line is written (metrics.py)
        self.developer_mode = rt.settings.developer_mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        # Servers deliver lower-case names; where a header repeats, the last one counts.
        headers: dict[bytes, bytes] = dict(scope["headers"])
        request_id = _request_id(headers)
        # Every line logged while it is handled carries the request id and its trace (W3C traceparent).
        with tracing.handling(tracing.request_fields(request_id, headers.get(b"traceparent"))):
            answered = None
            if scope["path"].startswith(PREFIXES) or scope["path"] == "/":  # a method, or a REST route onto one
                answered = await self._method(scope, receive, send, headers, request_id)
            elif scope["method"] == "GET":
                answered = await self._page(scope, send, request_id)
            status, workspace = answered or await self._route(scope, receive, send, request_id)
            ms = (time.perf_counter() - started) * 1000
            log_access(scope["method"], scope["path"], status, ms, request_id, workspace)
            if self.metrics is not None:
                self.metrics.count(scope, status, ms)

    async def _method(self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes],
                      request_id: str) -> tuple[int, str | None] | None:
        client = scope.get("client")
        ip = client[0] if client else None
        try:
            if ip is not None and self.bans.banned(ip):
                dialect = dispatch.dialect_of(self.runtime, scope)
                reply, workspace = dispatch.error_reply_in(dialect, AddressBanned(), self.developer_mode), None
            else:
                answered = await dispatch.answer(self.runtime, scope, receive, headers, request_id)
                if answered is None:
                    return None
                reply, workspace = answered
                if reply.status == 401 and ip is not None:
                    self.bans.failed(ip)
        except Exception:  # the dispatcher renders every error it expects; this is a bug
            log.exception("unhandled error (request %s)", request_id)
            reply, workspace = self._internal(request_id), None
        reply.headers.append((b"x-request-id", request_id.encode()))
        await reply.send(send)
        return reply.status, workspace

    async def _page(self, scope: Scope, send: Send, request_id: str) -> tuple[int, str | None] | None:
        matched = self.runtime.page_routes.match(scope["path"])
        if matched is None:
            return None
        page, params = matched
        try:
            return await page.send(self.runtime, scope, send, params, request_id), None
        except Exception:  # a page renders every error it expects (pages.Page.answer); this is a bug
            log.exception("unhandled error (request %s)", request_id)
            await self._internal(request_id).send(send)
            return 500, None

    async def _route(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> tuple[int, str | None]:
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.routes(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error (request %s)", request_id)
            if not response_started:
                await self._internal(request_id).send(send_with_id)
        return status, state.get("workspace")

    def _internal(self, request_id: str) -> Reply:
        return error_reply(TraciqoError(f"Internal error; quote request id {request_id}"), self.developer_mode)


def _request_id(headers: dict[bytes, bytes]) -> str:
    """The caller's X-Request-Id when it is sane, else a new one."""
    incoming = headers.get(b"x-request-id")
    if incoming is not None:
        text = incoming.decode("latin-1")
        if _VALID_ID.match(text):
            return text
    return new_request_id()
