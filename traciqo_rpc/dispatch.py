"""/api/method/<dotted.path> and the REST routes onto methods (rest.py): resolve,
authenticate, permit, limit, validate, call, wrap, log.

The dispatcher is a plain ASGI handler: Starlette's router, Request and Response objects
cost more than a whole cached call. Whitelisted functions receive the request context and
validated arguments and return plain data or a FileResult; they never see HTTP.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import peewee
from starlette.types import Receive, Scope

from . import errors, idempotency, sessions
from .arguments import declared_length, load_arguments, merge, read_body
from .auth import Credentials, parse_credentials, permit, require_right, sandbox_forced, token_credentials
from .batching import CommitFailed, single
from .budget import Budget, wait_within
from .context import RequestContext
from .principal import Principal
from .ratelimit import Decision
from .registry import MethodSpec
from .rendering import RawHeaders, Reply, encode_headers, error_reply, json_reply
from .rest import METHOD, Dialect, RestRoute
from .results import FileResult, attachment
from .runtime import Runtime
from .sessions import SessionCookie, SignedIn, SignedOut

log = logging.getLogger("traciqo.dispatch")

PREFIX = "/api/method/"


class Target(NamedTuple):
    """What a request calls: the method, and the route it came by (None for /api/method/)."""

    spec: MethodSpec
    route: RestRoute | None = None
    params: dict[str, str] = {}

    @property
    def dialect(self) -> Dialect:
        return METHOD if self.route is None else self.route.dialect


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
    route: RestRoute | None = None
    idempotency_key: str | None = None  # authenticated calls that change things (not GET)
    session: SessionCookie | None = None  # a signed-in person's cookie, when no key was sent
    budget: Budget | None = None  # its time (TRACIQO_REQUEST_TIMEOUT), counted from its arrival

    @property
    def dialect(self) -> Dialect:
        return METHOD if self.route is None else self.route.dialect


def resolve(rt: Runtime, verb: str, path: str) -> Target | None:
    """The method a request calls; None when no method or route has this path (a page's, say)."""
    if path.startswith(PREFIX):
        name = path[len(PREFIX):].removesuffix("/")  # Frappe takes a trailing slash too
        spec = rt.registry.method(name)
        if spec is None:
            # Looked up, never imported: an unknown path (os.system included) is simply absent.
            raise errors.MethodNotFound(f"Method {name} not found")
        if verb not in spec.methods:
            raise errors.MethodNotAllowed(f"{name} accepts {spec.allow_header}", headers={"Allow": spec.allow_header})
        return Target(spec)
    match = rt.rest_router.match(verb, path)
    if match is None:
        return None
    spec = rt.registry.method(match.route.method)
    assert spec is not None  # every route's method is checked at start-up
    return Target(spec, match.route, match.params)


async def answer(rt: Runtime, scope: Scope, receive: Receive, headers: Mapping[bytes, bytes],
                 request_id: str) -> tuple[Reply, str | None] | None:
    """Answer a method call or a REST route's; returns the reply and the caller's workspace, or
    None when the path is neither (Starlette's routes answer it).

    `headers` are the request's as the server delivers them (lower-case byte names).
    """
    arrived = time.monotonic()
    dialect: Dialect | None = None
    try:
        credentials = parse_credentials(headers, scope["headers"])
        if scope["path"] == "/":
            command = await _root_command(rt, scope, receive, headers)
            if command is None:
                return None
            target, raw_args = command
        else:
            found = resolve(rt, scope["method"], scope["path"])
            if found is None:
                return None
            target = found
            dialect = target.dialect
            raw_args = await _arguments(rt, scope, receive, headers, target, credentials)
            if dialect.token_field:
                credentials = _token_in_body(raw_args, dialect.token_field, credentials, headers)
            if target.route is not None:
                raw_args = target.route.arguments(target.params, raw_args)
        spec = target.spec
        idempotency_key = None
        if credentials is not None and scope["method"] not in ("GET", "HEAD") and rt.idempotency is not None:
            idempotency_key = idempotency.read_key(headers)
        session = None
        # A key wins over a cookie (and is never asked for a CSRF token); what anyone may call
        # needs no session, so a guest call (a scan, a sign-in) never reads one.
        if credentials is None and not spec.allow_guest:
            token = rt.cookies.read(headers)
            if token is not None:
                session = SessionCookie(token, sessions.csrf_sent(headers, raw_args))
    except errors.TraciqoError as exc:
        return error_reply_in(dialect or dialect_of(rt, scope), exc, rt.settings.developer_mode), None
    client = scope.get("client")
    user_agent = headers.get(b"user-agent")
    call = Call(spec, request_id, scope["method"], credentials,
                rt.authenticator.cached(credentials) if credentials else None,
                client[0] if client else None, user_agent.decode("latin-1") if user_agent else None, raw_args,
                target.route, idempotency_key, session)
    if _admits_without_io(rt, call) and idempotency_key is None:  # a key is claimed in the database
        if not spec.blocking:  # no I/O: over in microseconds, nothing to time
            return invoke(rt, call)
        if spec.batch is not None:  # the writer's batches are short transactions of their own
            return await invoke_batched(rt, call)
    budget = Budget.of(rt.settings.request_timeout, arrived)
    if budget is None:
        return await rt.run_blocking(invoke, rt, call)
    call = call._replace(budget=budget)
    running = asyncio.get_running_loop().run_in_executor(rt.executor, invoke, rt, call)  # as rt.run_blocking
    return await wait_within(budget, running, functools.partial(_timed_out, rt, call))


def _timed_out(rt: Runtime, call: Call) -> tuple[Reply, str | None]:
    """504 for a call still running past its budget (its thread rolls it back and logs its usage)."""
    log.warning("%s ran past its budget of %s s (request %s)", call.spec.path, rt.settings.request_timeout,
                call.request_id)
    return error_reply_in(call.dialect, errors.RequestTimedOut(), rt.settings.developer_mode), None


def dialect_of(rt: Runtime, scope: Scope) -> Dialect:
    """The dialect of the REST route a request's path names, for an error met before the route
    was resolved (ours for a method, or a path no route has)."""
    path = scope["path"]
    if path.startswith(PREFIX) or path == "/":
        return METHOD
    verb = scope["method"]
    try:
        match = rt.rest_router.match(verb, path)
    except errors.MethodNotAllowed as exc:  # the route at this path, by a verb it takes
        match = rt.rest_router.match(exc.headers["Allow"].split(",")[0], path)
    except errors.TraciqoError:
        return METHOD
    return METHOD if match is None else match.route.dialect


async def _arguments(rt: Runtime, scope: Scope, receive: Receive, headers: Mapping[bytes, bytes], target: Target,
                     credentials: Credentials | None) -> dict[str, Any]:
    """The query string's arguments, then the body's (which win)."""
    spec, query = target.spec, scope["query_string"]
    if scope["method"] in ("GET", "HEAD"):  # no body to read: skip a coroutine and the merging
        return merge(spec.schema, query, None, {}) if query else {}
    limit = await _body_limit(rt, spec, credentials, headers)
    json_body, form = await read_body(scope, receive, headers, limit)
    return merge(spec.schema, query, form, json_body)


async def _root_command(rt: Runtime, scope: Scope, receive: Receive,
                        headers: Mapping[bytes, bytes]) -> tuple[Target, dict[str, Any]] | None:
    """Frappe's older form, `/?cmd=<dotted.path>` or a form field `cmd` posted to `/`: what its
    Python client still sends for delete, get_value and set_value. None for a plain GET of `/`.
    The body is read to the small limit: the method is not known before it is read."""
    query = scope["query_string"]
    cmd: Any = dict(parse_qsl(query.decode("latin-1"))).get("cmd") if query else None
    json_body: dict[str, Any] = {}
    form = None
    if scope["method"] not in ("GET", "HEAD"):
        json_body, form = await read_body(scope, receive, headers, rt.settings.max_guest_body_bytes)
        cmd = cmd or (form.get("cmd") if form is not None else json_body.get("cmd"))
    elif cmd is None:
        return None
    if not isinstance(cmd, str) or not cmd:
        raise errors.MethodNotFound("Name the method: cmd=<dotted.path>")
    target = resolve(rt, scope["method"], PREFIX + cmd)
    assert target is not None  # a method path resolves or raises
    raw_args = merge(target.spec.schema, query, form, json_body)
    raw_args.pop("cmd", None)
    return target, raw_args


def _token_in_body(body: dict[str, Any], name: str, from_headers: Credentials | None,
                   headers: Mapping[bytes, bytes]) -> Credentials | None:
    """The one-token credential some clients send in the body or query (`name`) instead of a
    header: never one of the method's arguments, and X-Traciqo-Sandbox holds for it as for a
    header's key. Beside a header's credential it must be the same one (a client that sends
    its header on every request, fetching a link with the key in it)."""
    if name not in body:
        return from_headers
    token = body.pop(name)
    if not isinstance(token, str):
        raise errors.AuthenticationError(f"{name} must be '<api_key>:<api_secret>'")
    credentials = token_credentials(token, sandbox_forced(headers))
    if from_headers is not None and from_headers[:2] != credentials[:2]:
        raise errors.InvalidRequest(f"Send credentials in one form, not two: a header and {name}")
    return from_headers or credentials


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
    if call.session is not None:  # the session is read from the database
        return False
    return call.credentials is None or (call.cached is not None and call.cached[1] == rt.counters.generation())


def invoke(rt: Runtime, call: Call) -> tuple[Reply, str | None]:
    """Admit the caller, validate the arguments, run the method in its transaction and render its result."""
    started = time.perf_counter()
    ctx = RequestContext(request_id=call.request_id, ip=call.ip, user_agent=call.user_agent, services=rt.services)
    headers: RawHeaders = []  # the rate window's, on every answer
    claimed: idempotency.Claimed | None = None
    try:
        args = admit_and_load(rt, call, ctx, headers)
        spec = call.spec
        if spec.batch is None:
            work = functools.partial(spec.func, ctx, **args)
        else:  # a batched method whose caller had to be loaded first: a batch of its own
            work = functools.partial(single, spec.batch, spec.func(ctx, **args))
        budget = call.budget
        if call.idempotency_key is None:
            reply = reply_to(rt, rt.run_in_transaction(ctx, budget.guard(work) if budget else work,
                                                       transaction=spec.transaction), headers, call.route)
        else:
            outcome = _claim(rt, call, ctx)
            if isinstance(outcome, idempotency.Replay):
                reply = replay_reply(outcome.stored, headers)
            else:
                claimed = outcome
                keep = functools.partial(_answer_and_keep, rt, claimed, work, call, headers)
                reply = rt.run_in_transaction(ctx, budget.guard(keep) if budget else keep, transaction=spec.transaction)
        status = reply.status
    except Exception as exc:
        if claimed is not None:
            _release(rt, claimed)
        status, reply = failure_reply(rt, call, exc, headers)
    return reply, record_usage(rt, call, ctx, status, started)


def reply_to(rt: Runtime, result: Any, headers: RawHeaders, route: RestRoute | None) -> Reply:
    """A call's answer; a sign-in sets the session cookie (its extras beside the message, as
    Frappe's login answers), a sign-out clears it."""
    if isinstance(result, SignedIn):
        headers.append((b"set-cookie", rt.cookies.set_cookie(result.token)))
        return json_reply({"message": result.message, **result.extra}, raw_headers=headers)
    if isinstance(result, SignedOut):
        headers.append((b"set-cookie", rt.cookies.clear_cookie()))
        result = result.message
    return success_reply(result, headers, route)


def _claim(rt: Runtime, call: Call, ctx: RequestContext) -> idempotency.Claimed | idempotency.Replay:
    principal = ctx.require_principal()
    scope = idempotency.Scope(principal.workspace_id, principal.is_sandbox, principal.api_key_id)
    print_ = idempotency.fingerprint(call.http_method, call.spec.path, call.raw_args)
    assert call.idempotency_key is not None and rt.idempotency is not None
    return idempotency.claim(rt.idempotency, scope, call.idempotency_key, print_, ctx.now)


def _answer_and_keep(rt: Runtime, claimed: idempotency.Claimed, work: Any, call: Call, headers: RawHeaders) -> Reply:
    """Run the call and store its answer in the same transaction: both commit, or neither."""
    reply = success_reply(work(), headers, call.route)
    content_type = dict(reply.headers).get(b"content-type", b"application/json").decode("latin-1")
    assert rt.idempotency is not None
    rt.idempotency.complete(claimed, idempotency.Stored(reply.status, content_type, reply.body))
    return reply


def _release(rt: Runtime, claimed: idempotency.Claimed) -> None:
    try:
        assert rt.idempotency is not None
        rt.idempotency.release(claimed)
    except Exception:  # the claim then lapses with its lease (idempotency.LEASE)
        log.exception("could not release an idempotency key")


def replay_reply(stored: idempotency.Stored, headers: RawHeaders) -> Reply:
    """The first call's answer again, marked as such (Stripe's header)."""
    return Reply(stored.status, stored.body, [(b"content-type", stored.content_type.encode("latin-1")),
                                              (b"idempotent-replayed", b"true"), *headers])


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
        status, reply = 200, success_reply(result, headers, call.route)
    except CommitFailed:
        log.exception("%s could not commit (request %s)", call.spec.path, call.request_id)
        unavailable = errors.ServiceUnavailable("The change could not be saved; please retry")
        reply = error_reply_in(call.dialect, unavailable, rt.settings.developer_mode, headers)
        status = reply.status
    except Exception as exc:
        status, reply = failure_reply(rt, call, exc, headers)
    return reply, record_usage(rt, call, ctx, status, started)


def admit_and_load(rt: Runtime, call: Call, ctx: RequestContext, headers: RawHeaders) -> dict[str, Any]:
    """Who is calling, may they, are they within their rate; then the validated arguments."""
    spec = call.spec
    if call.credentials is not None:
        ctx.principal = admit(rt, call.credentials, call.cached, headers)
    elif call.session is not None:
        ctx.principal = admit_person(rt, call, headers)
    if ctx.principal is not None:
        if not spec.allow_guest:  # what a guest may, anyone may
            require_right(ctx.principal, spec.right, spec.path)
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
        error = exc
    elif isinstance(exc, peewee.IntegrityError):
        error = errors.DuplicateEntryError("The change conflicts with existing data")
        error.__cause__ = exc
    else:
        log.error("unhandled error in %s (request %s)", call.spec.path, call.request_id, exc_info=exc)
        error = errors.TraciqoError(f"Internal error; quote request id {call.request_id}")
        error.__cause__ = exc
    reply = error_reply_in(call.dialect, error, rt.settings.developer_mode, headers)
    return reply.status, reply


def error_reply_in(dialect: Dialect, exc: errors.TraciqoError, developer_mode: bool,
                   headers: Sequence[tuple[bytes, bytes]] = ()) -> Reply:
    """The error's answer, with the status and body its route's clients expect (204: no body at all)."""
    status = dialect.status_of(exc)
    if status == 204:
        return Reply(204, b"", list(headers))
    if dialect.error_body is not None:
        return json_reply(dialect.error_body(exc, status), status, exc.headers, headers)
    reply = error_reply(exc, developer_mode, raw_headers=headers)
    reply.status = status
    return reply


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
    principal = permit(principal, creds.force_sandbox)
    if principal.rate_limit_per_minute > 0:
        enforce(rt.rate_limiter.decide(window, principal.rate_limit_per_minute, now), headers)
    return principal


def admit_person(rt: Runtime, call: Call, headers: RawHeaders) -> Principal:
    """A signed-in person: their session (one read), the CSRF token of a change, the workspace's
    state and their rate window."""
    assert call.session is not None
    loaded = rt.load_session(call.session.token)
    if loaded is None:
        raise errors.SessionEnded()
    principal, csrf_token = loaded
    sessions.refuse_without_csrf(call.http_method, call.session.csrf, csrf_token)
    if not call.spec.any_workspace_state:
        principal = permit(principal)
    now = time.time()
    if principal.rate_limit_per_minute > 0:
        window = rt.counters.hit(f"user:{principal.user_id}", now)[1]
        enforce(rt.rate_limiter.decide(window, principal.rate_limit_per_minute, now, "user"), headers)
    return principal


def limit_guest(rt: Runtime, ip: str, limit: int, headers: RawHeaders) -> None:
    """Guest calls (public verification) are limited per client IP."""
    now = time.time()
    enforce(rt.rate_limiter.decide(rt.counters.hit(f"ip:{ip}", now)[1], limit, now, "ip"), headers)


def enforce(decision: Decision, headers: RawHeaders) -> None:
    headers += decision.headers()
    if not decision.allowed:
        raise errors.RateLimitExceeded(
            f"Rate limit of {decision.limit} requests per minute exceeded; retry in {decision.retry_after} s"
        )


def success_reply(result: Any, headers: RawHeaders, route: RestRoute | None = None) -> Reply:
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
    if route is None:
        return json_reply({"message": result}, raw_headers=headers)
    if route.answer is not None:
        result = route.answer(result)
    return json_reply(route.dialect.wrap(result), route.status, raw_headers=headers)
