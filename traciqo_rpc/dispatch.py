"""/api/method/<dotted.path>: resolve, authenticate, permit, limit, validate, call, wrap, log.

The dispatcher is a plain ASGI handler: Starlette's router, Request and Response objects
cost more than a whole cached call. Whitelisted functions receive the request context and
validated arguments and return plain data or a FileResult; they never see HTTP.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

import marshmallow
import peewee
from starlette.types import Receive, Scope

from . import errors
from .arguments import declared_length, merge, read_body
from .auth import Credentials, parse_credentials, permit
from .batching import CommitFailed, single
from .context import RequestContext
from .principal import Principal
from .ratelimit import Decision
from .registry import MethodSpec
from .rendering import RawHeaders, Reply, encode_headers, error_reply, json_reply
from .results import FileResult, attachment
from .runtime import Runtime
from .untrusted import check_arguments

log = logging.getLogger("traciqo.dispatch")

PREFIX = "/api/method/"


class Call(NamedTuple):
    """One method call as plain data, ready to run on the event loop or in a worker thread."""

    spec: MethodSpec
    request_id: str
    http_method: str
    credentials: Credentials | None
    cached: tuple[Principal, int | None] | None  # the key's cache entry, looked up on the loop
    ip: str | None
    user_agent: str | None
    raw_args: dict[str, Any]


async def answer(rt: Runtime, scope: Scope, receive: Receive, headers: Mapping[bytes, bytes],
                 request_id: str) -> tuple[Reply, str | None]:
    """Answer one call to a path under /api/method/; returns the reply and the caller's workspace.

    `headers` are the request's as the server delivers them (lower-case byte names).
    """
    path = scope["path"][len(PREFIX):].removesuffix("/")  # Frappe takes a trailing slash too
    try:
        spec = rt.registry.method(path)
        if spec is None:
            # Looked up, never imported: an unknown path (os.system included) is simply absent.
            raise errors.MethodNotFound(f"Method {path} not found")
        if scope["method"] not in spec.methods:
            raise errors.MethodNotAllowed(f"{path} accepts {spec.allow_header}", headers={"Allow": spec.allow_header})
        credentials = parse_credentials(headers, scope["headers"])
        query = scope["query_string"]
        if scope["method"] == "GET":  # no body to read: skip a coroutine and the merging
            raw_args = merge(spec.schema, query, None, {}) if query else {}
        else:
            limit = await _body_limit(rt, spec, credentials, headers)
            json_body, form = await read_body(scope, receive, headers, limit)
            raw_args = merge(spec.schema, query, form, json_body)
    except errors.TraciqoError as exc:
        return error_reply(exc, rt.settings.developer_mode), None
    client = scope.get("client")
    user_agent = headers.get(b"user-agent")
    call = Call(spec, request_id, scope["method"], credentials,
                rt.authenticator.cached(credentials) if credentials else None,
                client[0] if client else None, user_agent.decode("latin-1") if user_agent else None, raw_args)
    if _admits_without_io(rt, call):
        if not spec.blocking:
            return invoke(rt, call)
        if spec.batch is not None:
            return await invoke_batched(rt, call)
    return await rt.run_blocking(invoke, rt, call)


async def _body_limit(rt: Runtime, spec: MethodSpec, credentials: Credentials | None,
                      headers: Mapping[bytes, bytes]) -> int:
    """How much of this call's body may be read: the method's limit, or a guest's small one.
    A body larger than a guest's is read only for credentials that check out (a database read
    when they are not cached), so made-up keys cannot have large bodies read and parsed."""
    limit = spec.max_body_bytes or rt.settings.max_body_bytes
    small = rt.settings.max_guest_body_bytes
    if credentials is None or limit <= small:
        return min(limit, small)
    declared = declared_length(headers.get(b"content-length"))
    if declared is not None and (declared <= small or declared > limit):
        return limit  # small enough to read as it is, or refused without a look at the key
    if rt.authenticator.cached(credentials) is None:
        await rt.run_blocking(rt.authenticator.verify, credentials, rt.counters.generation())
    return limit


def _admits_without_io(rt: Runtime, call: Call) -> bool:
    """A guest, or a key whose cache entry is current: admitting the caller needs no database.
    A call that does no I/O then runs on the event loop (a hand-off to a worker thread and back
    costs more than such a call), and a batched one joins the next batch from there."""
    return call.credentials is None or (call.cached is not None and call.cached[1] == rt.counters.generation())


def invoke(rt: Runtime, call: Call) -> tuple[Reply, str | None]:
    """Admit the caller, validate the arguments, run the method in its transaction and render its result."""
    started = time.perf_counter()
    ctx = RequestContext(request_id=call.request_id, ip=call.ip, user_agent=call.user_agent, services=rt.services)
    headers: RawHeaders = []  # the rate window's, on every answer
    try:
        args = admit_and_load(rt, call, ctx, headers)
        spec = call.spec
        if spec.batch is None:
            work = functools.partial(spec.func, ctx, **args)
        else:  # a batched method whose caller had to be loaded first: a batch of its own
            work = functools.partial(single, spec.batch, spec.func(ctx, **args))
        result = rt.run_in_transaction(ctx, work, transaction=spec.transaction)
        status, reply = 200, success_reply(result, headers)
    except Exception as exc:
        status, reply = failure_reply(rt, call, exc, headers)
    return reply, record_usage(rt, call, ctx, status, started)


async def invoke_batched(rt: Runtime, call: Call) -> tuple[Reply, str | None]:
    """Like invoke, for a batched method: its item joins the writer's next batch (group commit,
    batching.py). Admission, validation and usage stay here, outside what the writer may run twice.
    """
    started = time.perf_counter()
    ctx = RequestContext(request_id=call.request_id, ip=call.ip, user_agent=call.user_agent, services=rt.services)
    headers: RawHeaders = []
    try:
        args = admit_and_load(rt, call, ctx, headers)
        spec = call.spec
        assert spec.batch is not None  # answer() sends batched methods only
        result = await rt.batcher.run(ctx, spec.batch, spec.func(ctx, **args))
        status, reply = 200, success_reply(result, headers)
    except CommitFailed:
        log.exception("%s could not commit (request %s)", call.spec.path, call.request_id)
        status = 503
        reply = error_reply(errors.ServiceUnavailable("The change could not be saved; please retry"),
                            rt.settings.developer_mode, raw_headers=headers)
    except Exception as exc:
        status, reply = failure_reply(rt, call, exc, headers)
    return reply, record_usage(rt, call, ctx, status, started)


def admit_and_load(rt: Runtime, call: Call, ctx: RequestContext, headers: RawHeaders) -> dict[str, Any]:
    """Who is calling, may they, are they within their rate; then the validated arguments."""
    spec = call.spec
    if call.credentials is not None:
        ctx.principal = admit(rt, call.credentials, call.cached, headers)
        if spec.right not in ctx.principal.scopes and not spec.allow_guest:  # what a guest may, any key may
            raise errors.KeyScopeMissing(f"This key has no {spec.right} scope, which {spec.path} needs")
    elif not spec.allow_guest:
        raise errors.GuestNotAllowed()
    elif call.ip:
        guest_limit = rt.settings.guest_rate_limit
        guest_limit = spec.guest_rate_limit if guest_limit is None else guest_limit
        if guest_limit:
            limit_guest(rt, call.ip, guest_limit, headers)
    return load_arguments(spec, call.raw_args)


def failure_reply(rt: Runtime, call: Call, exc: Exception, headers: RawHeaders) -> tuple[int, Reply]:
    """The status and answer for what a call raised; anything unexpected is logged and answers 500."""
    if isinstance(exc, errors.TraciqoError):
        return exc.status, error_reply(exc, rt.settings.developer_mode, raw_headers=headers)
    if isinstance(exc, peewee.IntegrityError):
        conflict = errors.DuplicateEntryError("The change conflicts with existing data")
        conflict.__cause__ = exc
        return 409, error_reply(conflict, rt.settings.developer_mode, raw_headers=headers)
    log.error("unhandled error in %s (request %s)", call.spec.path, call.request_id, exc_info=exc)
    internal = errors.TraciqoError(f"Internal error; quote request id {call.request_id}")
    internal.__cause__ = exc
    return 500, error_reply(internal, rt.settings.developer_mode, raw_headers=headers)


def record_usage(rt: Runtime, call: Call, ctx: RequestContext, status: int, started: float) -> str | None:
    """Count the call against its workspace's usage; answers that workspace's name (guests: None)."""
    principal = ctx.principal
    if principal is None:
        return None
    if rt.settings.request_log:
        rt.request_log.record((principal.workspace_id, principal.is_sandbox, principal.api_key_id, call.spec.path,
                               call.http_method, status, round((time.perf_counter() - started) * 1000, 3),
                               call.request_id, time.time()))  # UsageCall's fields
    return principal.workspace_name


def admit(rt: Runtime, creds: Credentials, cached: tuple[Principal, int | None] | None,
          headers: RawHeaders) -> Principal:
    """Authenticate, permit and rate-limit; fills `headers` with the X-RateLimit-* values.

    A cached principal and the rate window are both in process memory (shared through Redis
    in the background), so the hot path does no I/O at all.
    """
    now = time.time()
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


def limit_guest(rt: Runtime, ip: str, limit: int, headers: RawHeaders) -> None:
    """Guest calls (public verification) are limited per client IP."""
    now = time.time()
    enforce(rt.rate_limiter.decide(rt.counters.hit(f"ip:{ip}", now)[1], limit, now), headers)


def enforce(decision: Decision, headers: RawHeaders) -> None:
    headers += decision.headers()
    if not decision.allowed:
        raise errors.RateLimitExceeded(
            f"Rate limit of {decision.limit} requests per minute exceeded; retry in {decision.retry_after} s"
        )


def load_arguments(spec: MethodSpec, raw_args: dict[str, Any]) -> dict[str, Any]:
    if not raw_args and not spec.schema.fields:
        return {}  # nothing to validate, nothing to default
    check_arguments(raw_args)
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


def success_reply(result: Any, headers: RawHeaders) -> Reply:
    if isinstance(result, FileResult):
        # Files may come from users (receipts): never let a browser guess another type.
        media_type = result.media_type
        if media_type.startswith("text/") and "charset" not in media_type:
            media_type += "; charset=utf-8"
        file_headers = {"Content-Type": media_type, "X-Content-Type-Options": "nosniff"}
        if result.filename:
            file_headers["Content-Disposition"] = attachment(result.filename)
        if result.max_age is not None:
            file_headers["Cache-Control"] = f"private, max-age={result.max_age}"
        return Reply(200, result.content, encode_headers(file_headers) + headers)
    return json_reply({"message": result}, raw_headers=headers)
