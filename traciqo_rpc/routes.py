"""Plain HTTP routes from hooks.http_routes (e.g. a file upload's PUT), outside the method API.

A route function receives the request context, the path parameters, the headers (lower-case
names) and the body as bytes, read up to TRACIQO_MAX_UPLOAD_BYTES; it returns plain data
(sent as {"message": ...}) or a FileResult, like a method.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import errors
from .context import RequestContext
from .dispatch import success_reply


def route_endpoint(func: Callable[..., Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        rt = request.app.state.runtime
        limit = rt.settings.max_upload_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise errors.PayloadTooLarge(f"Body larger than {limit} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise errors.PayloadTooLarge(f"Body larger than {limit} bytes")
            chunks.append(chunk)
        ctx = RequestContext(request_id=request.state.request_id,
                             ip=request.client.host if request.client else None,
                             user_agent=request.headers.get("user-agent"))
        params, headers, body = dict(request.path_params), dict(request.headers), b"".join(chunks)
        result = await rt.run_blocking(rt.run_in_transaction, ctx, lambda: func(ctx, params, headers, body))
        return success_reply(result, []).to_response()

    return endpoint
