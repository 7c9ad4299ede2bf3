"""ASGI middleware: a request id on every response and one access log line per request."""

from __future__ import annotations

import logging
import re
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .context import new_request_id
from .errors import TraciqoError
from .rendering import error_response

access_log = logging.getLogger("traciqo.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp, developer_mode: bool = False) -> None:
        self.app = app
        self.developer_mode = developer_mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _VALID_ID.match(incoming) else new_request_id()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-Id", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            access_log.exception("unhandled error (request %s)", request_id)
            if not response_started:
                internal = TraciqoError(f"Internal error; quote request id {request_id}")
                await error_response(internal, self.developer_mode)(scope, receive, send_with_id)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            workspace = state.get("workspace") or "-"
            access_log.info(
                "%s %s %s %.1fms rid=%s ws=%s",
                scope["method"], scope["path"], status, elapsed, request_id, workspace,
                extra={"method": scope["method"], "path": scope["path"], "status": status,
                       "ms": round(elapsed, 2), "request_id": request_id, "workspace": workspace},
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
