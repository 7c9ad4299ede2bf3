"""Plain HTTP routes from hooks.http_routes (e.g. a file upload's PUT), outside the method API.

A route function receives the request context, the path parameters, the headers (lower-case
names) and the body as bytes; it returns plain data (sent as {"message": ...}) or a
FileResult, like a method. A GET route gets no body. Other routes get at most
TRACIQO_MAX_GUEST_BODY_BYTES, unless the function declares with `@reads_body(limit)` how
much its request may send: `limit(ctx, params, headers)` runs before a byte of the body is
read and answers the most to read, or raises (an upload checks its signed URL there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .arguments import read_raw_body
from .context import RequestContext
from .dispatch import success_reply
from .untrusted import check_arguments

BodyLimit = Callable[[RequestContext, dict[str, str], dict[str, str]], int]
_LIMIT_ATTR = "__traciqo_body_limit__"


def reads_body(limit: BodyLimit) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let a route read a body of up to `limit(ctx, params, headers)` bytes, decided before reading it."""

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, _LIMIT_ATTR, limit)
        return func

    return mark


def route_endpoint(func: Callable[..., Any]) -> Callable[[Request], Any]:
    declared_limit: BodyLimit | None = getattr(func, _LIMIT_ATTR, None)

    async def endpoint(request: Request) -> Response:
        rt = request.app.state.runtime
        params, headers = dict(request.path_params), dict(request.headers)
        check_arguments(params)
        ctx = RequestContext(request_id=request.state.request_id,
                             ip=request.client.host if request.client else None,
                             user_agent=request.headers.get("user-agent"), services=rt.services)
        body = b""
        if request.method not in ("GET", "HEAD"):
            if declared_limit is None:
                limit = rt.settings.max_guest_body_bytes
            else:
                limit = await rt.run_blocking(declared_limit, ctx, params, headers)
            body = await read_raw_body(request.receive, request.headers.raw, limit)
        result = await rt.run_blocking(rt.run_in_transaction, ctx, lambda: func(ctx, params, headers, body))
        return success_reply(result, []).to_response()

    return endpoint
