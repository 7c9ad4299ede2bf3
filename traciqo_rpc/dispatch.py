"""/api/method/<dotted.path>: resolve, authenticate, permit, limit, validate, call, wrap, log.

Only this module (and app.py) touches Starlette's Request; whitelisted functions receive the
request context and validated arguments and return plain data or a FileResult.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow
import peewee
from starlette.requests import Request
from starlette.responses import Response

from . import errors
from .arguments import merge, read_body
from .auth import Credentials, parse_credentials, permit
from .context import RequestContext
from .db import utcnow
from .principal import Principal
from .ratelimit import Decision
from .registry import MethodSpec
from .rendering import error_response, json_response
from .results import FileResult
from .runtime import Runtime

log = logging.getLogger("traciqo.dispatch")


@dataclass(frozen=True)
class CallMeta:
    request_id: str
    http_method: str
    headers: Mapping[str, str]
    ip: str | None
    user_agent: str | None


async def method_endpoint(request: Request) -> Response:
    rt: Runtime = request.app.state.runtime
    path = request.path_params["path"]
    spec = rt.registry.method(path)
    if spec is None:
        # Looked up, never imported: an unknown path (os.system included) is simply absent.
        raise errors.MethodNotFound(f"Method {path} not found")
    if request.method not in spec.methods:
        raise errors.MethodNotAllowed(
            f"{path} accepts {spec.allow_header}", headers={"Allow": spec.allow_header}
        )
    json_body, form = await read_body(request)
    raw_args = merge(spec.schema, request.query_params, form, json_body)
    meta = CallMeta(
        request_id=request.state.request_id,
        http_method=request.method,
        headers=request.headers,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    response, workspace = await rt.run_blocking(invoke, rt, spec, meta, raw_args)
    request.state.workspace = workspace
    return response


def invoke(rt: Runtime, spec: MethodSpec, meta: CallMeta, raw_args: dict[str, Any]) -> tuple[Response, str | None]:
    """The synchronous part, run in a worker thread: everything that may touch the database."""
    started = time.perf_counter()
    ctx = RequestContext(request_id=meta.request_id, ip=meta.ip, user_agent=meta.user_agent)
    headers: dict[str, str] = {}
    status = 200
    try:
        creds = parse_credentials(meta.headers)
        if creds is not None:
            ctx.principal = admit(rt, creds, headers)
        elif not spec.allow_guest:
            raise errors.GuestNotAllowed()
        elif meta.ip:
            guest_limit = rt.settings.guest_rate_limit
            guest_limit = spec.guest_rate_limit if guest_limit is None else guest_limit
            if guest_limit:
                limit_guest(rt, meta.ip, guest_limit, headers)
        args = load_arguments(spec, raw_args)
        result = rt.run_in_transaction(ctx, lambda: spec.func(ctx, **args), transaction=spec.transaction)
        response = success_response(result, headers)
    except errors.TraciqoError as exc:
        status = exc.status
        response = error_response(exc, rt.settings.developer_mode, headers)
    except peewee.IntegrityError as exc:
        status = 409
        conflict = errors.DuplicateEntryError("The change conflicts with existing data")
        conflict.__cause__ = exc
        response = error_response(conflict, rt.settings.developer_mode, headers)
    except Exception as exc:
        log.exception("unhandled error in %s (request %s)", spec.path, meta.request_id)
        status = 500
        internal = errors.TraciqoError(f"Internal error; quote request id {meta.request_id}")
        internal.__cause__ = exc
        response = error_response(internal, rt.settings.developer_mode, headers)
    principal = ctx.principal
    if principal is not None and rt.settings.request_log:
        rt.request_log.record(
            {
                "workspace_id": principal.workspace_id,
                "is_sandbox": principal.is_sandbox,
                "api_key_id": principal.api_key_id,
                "method": spec.path,
                "http_method": meta.http_method,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "request_id": meta.request_id,
                "created_at": utcnow(),
            }
        )
    return response, principal.workspace_name if principal else None


def admit(rt: Runtime, creds: Credentials, headers: dict[str, str]) -> Principal:
    """Authenticate, permit and rate-limit; fills `headers` with the X-RateLimit-* values.

    A cached principal and the rate window are both in process memory (shared through Redis
    in the background), so the hot path does no I/O at all.
    """
    now = time.time()
    cached = rt.authenticator.cached(creds)
    if cached is not None:
        generation, window = rt.counters.hit(cached[0].api_key_id, now, with_generation=True)
        principal = cached[0] if cached[1] == generation else rt.authenticator.verify(creds, generation)
    else:
        # Count only verified keys: made-up keys must not fill the counters.
        principal = rt.authenticator.verify(creds, rt.counters.generation())
        window = rt.counters.hit(principal.api_key_id, now)[1]
    principal = permit(principal, creds)
    if principal.rate_limit_per_minute > 0:
        enforce(rt.rate_limiter.decide(window, principal.rate_limit_per_minute, now), headers)
    return principal


def limit_guest(rt: Runtime, ip: str, limit: int, headers: dict[str, str]) -> None:
    """Guest calls (public verification) are limited per client IP."""
    now = time.time()
    enforce(rt.rate_limiter.decide(rt.counters.hit(f"ip:{ip}", now)[1], limit, now), headers)


def enforce(decision: Decision, headers: dict[str, str]) -> None:
    headers.update(decision.headers())
    if not decision.allowed:
        raise errors.RateLimitExceeded(
            f"Rate limit of {decision.limit} requests per minute exceeded; retry in {decision.retry_after} s"
        )


def load_arguments(spec: MethodSpec, raw_args: dict[str, Any]) -> dict[str, Any]:
    try:
        return spec.schema.load(raw_args)
    except marshmallow.ValidationError as exc:
        messages = exc.normalized_messages()
        summary = "; ".join(f"{name}: {_first(problem)}" for name, problem in messages.items())
        raise errors.ValidationError(f"Invalid arguments: {summary}", field_errors=messages) from None


def _first(problem: Any) -> str:
    if isinstance(problem, list) and problem:
        return _first(problem[0])
    if isinstance(problem, dict) and problem:
        key, value = next(iter(problem.items()))
        return f"{key}: {_first(value)}"
    return str(problem)


def success_response(result: Any, headers: dict[str, str]) -> Response:
    if isinstance(result, FileResult):
        # Files may come from users (receipts): never let a browser guess another type.
        file_headers = {**headers, "X-Content-Type-Options": "nosniff"}
        if result.filename:
            file_headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        if result.max_age is not None:
            file_headers["Cache-Control"] = f"private, max-age={result.max_age}"
        return Response(result.content, media_type=result.media_type, headers=file_headers)
    return json_response({"message": result}, headers=headers)
