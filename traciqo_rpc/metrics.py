"""Prometheus metrics: what each request was and took, what rate limits refused, and what waits
(the queue, the webhook and email outboxes), at GET /metrics or on a port of its own.

Requests are counted by the front door where it writes the access line: a dict increment on
the event loop, turned into prometheus_client's counters once a second (FLUSH_SECONDS) and
before a scrape: 0.4 us a request, where prometheus_client's own calls took 3 us with several
workers (each takes a lock and writes a memory-mapped file), 4% of a whoami call. Labels name a
method by its dotted path and a route by its template, never by the URL, so made-up paths add
no series.

Several processes add up through PROMETHEUS_MULTIPROC_DIR: each keeps its counts in files
there, and a scrape reads them all, so any worker answers for every one. Webhook delivery
failures happen in RQ's job horses, a new process per job (a file each), so they are counted
in Redis instead. What waits is read at each scrape, with a few indexed queries (Backlog).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import hmac
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import peewee
import redis
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    make_wsgi_app,
    values,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from . import db, errors, jobs, process, wiring
from .rest import PREFIXES, RestRoute, RestRouter
from .runtime import Runtime, rest_routes
from .settings import Settings

log = logging.getLogger("traciqo.metrics")

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
FLUSH_SECONDS = 1.0
# Request latency, seconds: a cached call takes a tenth of a millisecond, the time budget 30 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Any other verb a client sends counts as "other": the label must not take what clients make up.
VERBS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNKNOWN = "unknown"
METHOD_PREFIX = "/api/method/"
# Why a webhook delivery attempt failed, counted in this Redis hash by every process.
DELIVERY_FAILURES_KEY = "traciqo:metrics:webhook_delivery_failures"
DELIVERY_FAILURE_REASONS = ("http_3xx", "http_4xx", "http_5xx", "network", "unsafe_url")
# A scrape counts what is due up to this many rows: a huge backlog must not make scrapes slow.
COUNT_AT_MOST = 100_000

Label = tuple[str, str]  # (kind, route)


class RouteLabels:
    """A request's (kind, route): ("method", its dotted path), ("rest", the route's template),
    ("page", the page's template), ("route", a Starlette route's path); a path nothing serves is
    (kind, "unknown")."""

    def __init__(self, rt: Runtime) -> None:
        self.methods: dict[str, Label] = {}
        for name, spec in rt.registry.methods.items():
            label = ("method", spec.path)  # an alias counts as the method it names
            self.methods[METHOD_PREFIX + name] = self.methods[METHOD_PREFIX + name + "/"] = label
        # The REST routes again, each naming its template: the dispatcher's router answers the
        # route, not the template it matched.
        self.templates = RestRouter((verb, path, RestRoute(path)) for verb, path, _ in rest_routes(rt.wiring))
        self.page_routes = rt.page_routes
        self.pages = {id(page): path for path, page in rt.page_routes.pages.items()}

    def of(self, scope: Scope) -> Label:
        path = scope["path"]
        known = self.methods.get(path)
        if known is not None:
            return known
        route = scope.get("route")  # set by Starlette's router: probes, uploads, HEAD of a page
        if route is not None:
            return "route", getattr(route, "path", UNKNOWN)
        if path.startswith(METHOD_PREFIX) or path == "/":
            return "method", UNKNOWN
        if path.startswith(PREFIXES):
            return "rest", self._template(scope["method"], path)
        matched = self.page_routes.match(path) if scope["method"] == "GET" else None
        if matched is not None:
            return "page", self.pages[id(matched[0])]
        return "other", UNKNOWN

    def _template(self, verb: str, path: str) -> str:
        try:
            match = self.templates.match(verb, path)
        except errors.MethodNotAllowed as exc:  # the route exists for other verbs
            match = self.templates.match(exc.headers["Allow"].split(",")[0], path)
        except errors.TraciqoError:
            return UNKNOWN
        return UNKNOWN if match is None else match.route.method


def build(settings: Settings, rt: Runtime) -> Metrics | None:
    """The web process's metrics when something reads them (a token or a port is set), told of
    every rate-limit refusal; None otherwise, and nothing is counted."""
    if settings.metrics_token is None and settings.metrics_port is None:
        return None
    metrics = Metrics(settings, rt)
    rt.rate_limiter.on_refusal = metrics.refused
    return metrics


class Metrics:
    """This process's request and rate-limit metrics, and what a scrape answers."""

    def __init__(self, settings: Settings, rt: Runtime) -> None:
        self.token = settings.metrics_token
        self.labels = RouteLabels(rt)
        directory = settings.metrics_dir
        if directory is not None:
            _keep_values_in(directory)
        disable_created_metrics()  # *_created series: noise beside counters that start at 0
        self.registry = CollectorRegistry()
        register = None if directory is not None else self.registry  # files are read, not objects
        self.requests = Counter("traciqo_http_requests", "HTTP requests answered, by route and status.",
                                ["kind", "route", "method", "status"], registry=register)
        self.latency = Histogram("traciqo_http_request_duration_seconds",
                                 "Time from a request's arrival to its access log line, by route.",
                                 ["kind", "route"], buckets=LATENCY_BUCKETS, registry=register)
        refusals = Counter("traciqo_rate_limit_refusals", "Requests refused (429) by a rate limit, by limit: "
                           "key (an API key's), user (a signed-in person's), ip (a guest's).", ["limit"],
                           registry=register)
        self._refusals = {name: refusals.labels(name) for name in ("key", "user", "ip")}
        # (label, verb, status) -> [count, seconds, per-bucket counts]: kept on the event loop only.
        self._pending: dict[tuple[Label, str, int], list[Any]] = {}
        self._flusher: asyncio.Task[None] | None = None
        backlog = Backlog(rt.database, lambda: rt.redis, {m._meta.table_name for m in rt.wiring.models})
        if directory is None:
            self.registry.register(backlog)
            self.scrape_registry = self.registry
        else:
            self.scrape_registry = every_process(directory, backlog)

    def count(self, scope: Scope, status: int, ms: float) -> None:
        """One answered request (on the event loop, beside its access line)."""
        label = self.labels.methods.get(scope["path"]) or self.labels.of(scope)
        verb = scope["method"]
        key = (label, verb if verb in VERBS else "other", status)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = [0, 0.0, [0] * (len(LATENCY_BUCKETS) + 1)]
        seconds = ms / 1000
        pending[0] += 1
        pending[1] += seconds
        pending[2][bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1

    def refused(self, limit: str) -> None:
        """A request refused by the named rate limit (ratelimit.RateLimiter, from any thread)."""
        counter = self._refusals.get(limit)
        if counter is not None:
            counter.inc()

    def flush(self) -> None:
        """Hand the counts gathered since the last flush to prometheus_client (on the event loop)."""
        pending, self._pending = self._pending, {}
        for ((kind, route), verb, status), (count, seconds, buckets) in pending.items():
            self.requests.labels(kind, route, verb, str(status)).inc(count)
            _observe_many(self.latency.labels(kind, route), seconds, buckets)

    def start(self) -> None:
        """Flush every FLUSH_SECONDS from the running event loop (the one count() runs on)."""
        self._flusher = asyncio.get_running_loop().create_task(self._flush_forever())

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            self.flush()

    def stop(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        self.flush()

    def authorized(self, header: str | None) -> bool:
        return self.token is not None and bearer_matches(header, self.token)

    def exposition(self) -> bytes:
        """What a scrape answers (off the event loop: it reads the database and Redis)."""
        return generate_latest(self.scrape_registry)


def _observe_many(histogram: Histogram, seconds: float, buckets: list[int]) -> None:
    """`histogram.observe` of many values at once, from their sum and per-bucket counts.
    prometheus_client has no such call; its value objects are the ones observe() increments
    (tests/traciqo_rpc/test_metrics.py reads the result back through a scrape)."""
    histogram._sum.inc(seconds)
    for value, count in zip(histogram._buckets, buckets, strict=True):
        if count:
            value.inc(count)


def _keep_values_in(directory: Path) -> None:
    """Make prometheus_client keep values in files under `directory`. It decides how when first
    imported, from PROMETHEUS_MULTIPROC_DIR, and `serve` may set that variable later (a
    temporary directory for its workers): pick again, once, before any metric is made."""
    os.environ[MULTIPROC_VARIABLE] = str(directory)
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.MultiProcessValue()


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, sent = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip().encode(), token.encode())


def every_process(directory: Path, backlog: Backlog) -> CollectorRegistry:
    """What a scrape answers in the multiprocess mode: the counts every process keeps in files
    under `directory`, and the backlog."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    registry.register(backlog)
    return registry


def routes(metrics: Metrics | None, rt: Runtime) -> list[Route]:
    """GET /metrics, to `Authorization: Bearer <TRACIQO_METRICS_TOKEN>`; no route without a token."""
    if metrics is None or metrics.token is None:
        return []

    async def scrape(request: Request) -> Response:
        if not metrics.authorized(request.headers.get("authorization")):
            raise errors.AuthenticationError("GET /metrics needs Authorization: Bearer <TRACIQO_METRICS_TOKEN>",
                                             headers={"WWW-Authenticate": "Bearer"})
        metrics.flush()
        return Response(await rt.run_blocking(metrics.exposition), media_type=CONTENT_TYPE_LATEST)

    return [Route("/metrics", scrape, methods=["GET"])]


class Backlog:
    """What waits, read at each scrape: jobs in the queue (Redis), the webhook and email outboxes
    (what is due and how long the oldest due row has waited: indexed range reads), and the webhook
    delivery failures every process counted in Redis."""

    # (outbox, table, status of a row still to send, the column saying when it is due)
    OUTBOXES = (("webhooks", "delivery", "pending", "next_attempt_at"),
                ("emails", "email_message", "queued", "send_after"))

    def __init__(self, database: peewee.Database, queue: Callable[[], redis.Redis | None],
                 tables: Iterable[str]) -> None:
        self.database = database
        self.queue = queue
        present = set(tables)
        self.outboxes = [outbox for outbox in self.OUTBOXES if outbox[1] in present]

    def describe(self) -> list[Metric]:
        return []  # registering must not query anything

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        up = GaugeMetricFamily("traciqo_metrics_source_up", "1 when this scrape could read the source "
                               "(database, redis), 0 when it failed.", labels=["source"])
        connection = self.queue()
        if connection is not None:
            try:
                found = list(self._queue(connection))
                up.add_metric(["redis"], 1)
                yield from found
            except redis.RedisError as exc:
                log.warning("metrics: Redis unreadable (%s)", exc)
                up.add_metric(["redis"], 0)
        if self.outboxes:
            try:
                found = list(self._outboxes())
                up.add_metric(["database"], 1)
                yield from found
            except peewee.DatabaseError as exc:
                log.warning("metrics: database unreadable (%s)", exc)
                up.add_metric(["database"], 0)
        yield up
        yield GaugeMetricFamily("traciqo_metrics_collect_seconds", "Time this scrape took to read the database "
                                "and Redis.", value=time.perf_counter() - started)

    def _queue(self, connection: redis.Redis) -> Iterator[Metric]:
        depth = GaugeMetricFamily("traciqo_queue_jobs", "Jobs in the RQ queue: queued (waiting for a worker) and "
                                  "scheduled (retries and delayed jobs).", labels=["queue", "state"])
        for name in jobs.QUEUE_NAMES:
            queue = jobs.queue(connection, name)
            depth.add_metric([name, "queued"], queue.count)
            depth.add_metric([name, "scheduled"], connection.zcard(queue.scheduled_job_registry.key))
        yield depth
        counted = {_text(key): int(value) for key, value in connection.hgetall(DELIVERY_FAILURES_KEY).items()}
        failures = CounterMetricFamily("traciqo_webhook_delivery_failures", "Webhook delivery attempts that failed, "
                                       "by reason (counted in Redis by every worker).", labels=["reason"])
        for reason in sorted(set(DELIVERY_FAILURE_REASONS) | set(counted)):
            failures.add_metric([reason], counted.get(reason, 0))
        yield failures

    def _outboxes(self) -> Iterator[Metric]:
        due = GaugeMetricFamily("traciqo_outbox_due", f"Rows due to be sent now and not yet sent (counted up to "
                                f"{COUNT_AT_MOST:,}): webhook deliveries, emails (the email backlog).",
                                labels=["outbox"])
        lag = GaugeMetricFamily("traciqo_outbox_lag_seconds", "How long the oldest row due to be sent has waited "
                                "since it came due (0 when none is due).", labels=["outbox"])
        database = self.database
        opened = database.is_closed()
        now = db.utcnow()
        bound_now: Any = now.isoformat(" ") if isinstance(database, peewee.SqliteDatabase) else now
        try:
            for name, table, status, column in self.outboxes:
                oldest = database.execute_sql(_sql(database, f"SELECT {column} FROM {table} WHERE status = ? AND "
                                                   f"{column} <= ? ORDER BY {column} LIMIT 1"),
                                              (status, bound_now)).fetchone()
                count = database.execute_sql(_sql(database, f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE "
                                                  f"status = ? AND {column} <= ? LIMIT {COUNT_AT_MOST}) AS due"),
                                             (status, bound_now)).fetchone()
                due.add_metric([name], count[0])
                lag.add_metric([name], _age(now, oldest[0]) if oldest else 0.0)
        finally:
            if opened:  # a connection this scrape opened (the listener's threads come and go)
                database.close()
        yield due
        yield lag


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _sql(database: peewee.Database, sql: str) -> str:
    return sql.replace("?", database.param)


def _age(now: dt.datetime, value: Any) -> float:
    since = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return max(0.0, (now - since).total_seconds())


def count_delivery_attempt(status_code: int | None, error: str | None) -> None:
    """Count a webhook delivery attempt that failed (no 2xx answer), by reason, in Redis: it ran
    in a job horse, a process of its own that ends with the job (prometheus_client would leave a
    file per job behind)."""
    if status_code is not None and 200 <= status_code < 300:
        return
    if status_code is not None:
        reason = f"http_{min(max(status_code // 100, 3), 5)}xx"
    else:
        reason = "unsafe_url" if error and error.startswith("UnsafeUrl") else "network"
    try:
        process.runtime().redis.hincrby(DELIVERY_FAILURES_KEY, reason, 1)
    except (redis.RedisError, RuntimeError) as exc:  # a count is not worth failing a delivery for
        log.debug("delivery failure not counted: %s", exc)


@contextlib.contextmanager
def serving(settings: Settings, workers: int) -> Iterator[None]:
    """What `traciqo-rpc serve` does in its own process before its workers start: with several
    workers (or the metrics port, read here) a directory where every worker keeps its counts (a
    temporary one unless PROMETHEUS_MULTIPROC_DIR names one: cleared of what stopped processes
    left), and the metrics port's listener."""
    if settings.metrics_token is None and settings.metrics_port is None:
        yield
        return
    directory, temporary = settings.metrics_dir, None
    if directory is None and (workers > 1 or settings.metrics_port is not None):
        directory = temporary = Path(tempfile.mkdtemp(prefix="traciqo-metrics-"))
    if directory is not None:
        clear_directory(directory)
        os.environ[MULTIPROC_VARIABLE] = str(directory)  # the workers read it with their settings
    listener = listen(settings, directory) if directory is not None and settings.metrics_port is not None else None
    if temporary is not None:
        _remove_on_sigterm(temporary)
    try:
        yield
    finally:
        if listener is not None:
            listener.shutdown()
            listener.server_close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)


def _remove_on_sigterm(directory: Path) -> None:
    """uvicorn re-raises the SIGTERM it stopped on once it has shut down, and its default action
    ends the process before any `finally` runs: remove the directory in the handler it re-raises
    to, then end as SIGTERM would."""
    def remove_and_end(signum: int, frame: Any) -> None:
        shutil.rmtree(directory, ignore_errors=True)
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, remove_and_end)


# What prometheus_client names a process's values file: counter_<pid>.db, gauge_livesum_<pid>.db...
_VALUES_FILE = re.compile(r"(?:counter|histogram|summary|gauge_[a-z]+)_(\d+)\.db")


def clear_directory(directory: Path) -> None:
    """Remove the files of processes no longer running (a previous run's): their counts would add
    to the new workers'. Files of running processes stay (another `serve` sharing the directory)."""
    directory.mkdir(parents=True, exist_ok=True)
    for file in directory.iterdir():
        named = _VALUES_FILE.fullmatch(file.name)  # prometheus_client's; anything else is left alone
        if named is not None and not _running(int(named.group(1))):
            file.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass


def listen(settings: Settings, directory: Path) -> ThreadingWSGIServer | None:
    """The metrics port (TRACIQO_METRICS_HOST, loopback by default), served by a thread of this
    process: every worker's counts from `directory`, the backlog from a database connection and
    Redis client of its own (the embedded queue only when this process serves it: one worker)."""
    assert settings.metrics_port is not None
    database = db.open_database(settings.database_url, max_connections=4,
                                prepared_statements=settings.database_prepared_statements)
    shared = jobs.connect_redis(settings.redis_url) if settings.redis_url else None
    tables = {model._meta.table_name for model in wiring.load().models}
    backlog = Backlog(database, lambda: shared if shared is not None else _embedded_queue(), tables)
    exposition = make_wsgi_app(every_process(directory, backlog))
    token = settings.metrics_token

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if token is not None and not bearer_matches(environ.get("HTTP_AUTHORIZATION"), token):
            start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")])
            return [b"Authorization: Bearer <TRACIQO_METRICS_TOKEN> required\n"]
        return exposition(environ, start_response)

    try:
        # The host's own address family (IPv6 for ::1), as prometheus_client's start_http_server picks it.
        family = socket.getaddrinfo(settings.metrics_host, settings.metrics_port, type=socket.SOCK_STREAM)[0][0]
        server_class = type("MetricsServer", (ThreadingWSGIServer,), {"address_family": family})
        server: ThreadingWSGIServer = make_server(settings.metrics_host, settings.metrics_port, guarded, server_class, _Quiet)
    except OSError as exc:  # e.g. a second `serve` on this host (traciqo-rpc start -c web=2)
        log.warning("metrics port %s:%s not opened (%s): the process holding it answers only for the workers "
                    "sharing its PROMETHEUS_MULTIPROC_DIR", settings.metrics_host, settings.metrics_port, exc)
        database.close()
        return None
    threading.Thread(target=server.serve_forever, name="traciqo-metrics", daemon=True).start()
    return server


def _embedded_queue() -> redis.Redis | None:
    try:
        return process.runtime().redis
    except RuntimeError:  # several workers: the embedded queues are theirs
        return None
