"""The assembled process: settings, wiring, registry, database, Redis and background threads.

Built once per process by the web app, the worker or the CLI. Business code reaches what it
needs of it through `ctx.services` (services.py); RQ's entry point, which gets no context,
finds it through process.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import peewee
import redis

from . import batching, db, fixtures, jobs, process, registry, unit_of_work, wiring, worker
from .auth import Authenticator
from .caching import SettingsCache
from .checkpoint import Checkpointer
from .client import RESOURCE_ROUTES
from .context import RequestContext
from .idempotency import IdempotencyStore
from .page_cache import KeptPages
from .pages import PageRoutes
from .principal import Principal
from .ratelimit import LocalCounters, RateLimiter, SyncedCounters
from .resource import Resource
from .rest import RestRoute, RestRouter
from .services import Services
from .sessions import CookieJar, token_hash
from .settings import Settings
from .tracing import ContextThreadPool
from .usage import RequestLogBuffer

log = logging.getLogger("traciqo")

# Writer threads on PostgreSQL: while one batch waits for its round trips and its commit's
# WAL flush, the others run theirs (the server groups concurrent flushes).
POSTGRES_WRITERS = 4
# Connections besides the call threads' and the writers': the usage-log writer, other background
# threads, and room for a connection being replaced.
BACKGROUND_CONNECTIONS = 8


def pool_size(settings: Settings) -> tuple[int, int]:
    """(PostgreSQL connections, call threads) of one process. By default the threads decide
    (TRACIQO_THREADS 16 + 4 writers + 8 = 28); TRACIQO_DATABASE_POOL_SIZE caps the connections
    and the call threads shrink to fit beside the writers, so no call waits for a connection
    a writer it waits on would need."""
    if not settings.database_pool_size:
        return settings.threads + POSTGRES_WRITERS + BACKGROUND_CONNECTIONS, settings.threads
    threads = max(1, min(settings.threads, settings.database_pool_size - POSTGRES_WRITERS - 3))
    return settings.database_pool_size, threads


class Runtime:
    def __init__(self, settings: Settings, wired: wiring.Wiring) -> None:
        self.settings = settings
        self.wiring = wired
        try:
            self.registry = registry.collect(wired.modules, wired.method_aliases)
        except LookupError as exc:
            raise wiring.HookError(f"hooks.method_aliases: {exc}") from None
        for func in wired.scheduled_jobs:
            if getattr(func, "__traciqo_job__", None) not in self.registry.jobs:
                raise wiring.HookError(f"hooks.scheduled_jobs: {func.__module__}.{func.__name__} is not a job of a listed doctype")
        self.rest_router = self._rest_router(wired)
        self.idempotency: IdempotencyStore | None = wired.idempotency_store() if wired.idempotency_store else None
        self.resources = self._resources(wired)
        self.secret_key = settings.resolved_secret_key()  # read (or generated) once per process
        # Room for the call threads, the writers (PostgreSQL) and the background threads.
        connections, threads = pool_size(settings)
        self.database: peewee.Database = db.open_database(settings.database_url, max_connections=connections,
                                                          prepared_statements=settings.database_prepared_statements)
        db.bind(self.database)
        if db.is_sqlite():
            threads = settings.threads  # one file, no pool to fit
        self.redis: redis.Redis = jobs.connect_redis(settings.redis_url)
        self.embedded_queue = settings.redis_url is None
        self.authenticator = Authenticator(wired.principal_loader, settings.auth_cache_seconds)
        # Signed-in people (sessions.py): the cookie, and the session behind it (by token hash).
        self.cookies = CookieJar(self.secret_key, settings.session_hours * 3600,
                                 secure=settings.base_url.startswith("https://"))
        self.session_loader = wired.session_loader
        self.page_routes = PageRoutes(wired.page_routes)  # matched by the front door (front.py)
        self.rate_limiter = RateLimiter()
        # A Redis round trip per request cost more than the rest of a cached call: count in memory,
        # share in the background (one process needs no sharing at all).
        self.counters = LocalCounters() if self.embedded_queue else SyncedCounters(self.redis)
        self.settings_cache = SettingsCache(self.counters.generation, settings.auth_cache_seconds)
        self.request_log = RequestLogBuffer(wired.request_log_writer)
        self.ticker = jobs.PeriodicTicker(self.redis, wired.scheduled_jobs)
        self._embedded_worker: worker.EmbeddedWorker | None = None
        # Our own pool for the synchronous part of each request: cheaper per call than anyio's,
        # and its size caps the database connections of this process. A call runs in its request's
        # context (log fields, trace: tracing.py).
        self.executor = ContextThreadPool(max_workers=threads, thread_name_prefix="traciqo-call")
        # Batched methods share transactions on writer threads (batching.py): one on SQLite,
        # several on PostgreSQL.
        self.batcher = batching.WriteBatcher(writers=1 if db.is_sqlite() else POSTGRES_WRITERS)
        self.checkpointer = Checkpointer(self.database) if isinstance(self.database, peewee.SqliteDatabase) else None
        # One thread pushes jobs to the queue after commit, in order, off the request path.
        self.enqueuer = ContextThreadPool(max_workers=1, thread_name_prefix="traciqo-enqueue")
        self.services = Services(
            settings=settings, secret_key=self.secret_key, cache=self.settings_cache, clock=db.utcnow,
            doc_events=wired.doc_events, event_writer=wired.event_writer, queue_job=self.queue_job,
            queued_jobs=lambda: jobs.queued_jobs(self.redis), invalidate_caches=self.invalidate_caches,
            batcher=self.batcher, flush_usage=self.request_log.flush, resources=self.resources,
            methods=self.registry.methods, pages=KeptPages(self.counters.generation),
            read_in_thread=lambda ctx, call: self.run_blocking(self.run_in_transaction, ctx, call, False))

    def _rest_router(self, wired: wiring.Wiring) -> RestRouter:
        """Frappe's resource routes and hooks.rest_routes, each onto a whitelisted method."""
        routes = rest_routes(wired)
        for verb, path, route in routes:
            if not isinstance(route, RestRoute):
                raise wiring.HookError(f"hooks.rest_routes: {verb} {path} must name a RestRoute")
            if self.registry.method(route.method) is None:
                raise wiring.HookError(f"hooks.rest_routes: {verb} {path} calls {route.method}, which is not whitelisted")
        try:
            return RestRouter(routes)
        except ValueError as exc:
            raise wiring.HookError(f"hooks.rest_routes: {exc}") from None

    def _resources(self, wired: wiring.Wiring) -> Mapping[str, Resource]:
        for doctype, resource in wired.resources.items():
            if not isinstance(resource, Resource):
                raise wiring.HookError(f"hooks.resources: {doctype} must name a Resource")
            try:
                resource.check(doctype, lambda path: self.registry.method(path) is not None)
            except ValueError as exc:
                raise wiring.HookError(f"hooks.resources: {exc}") from None
        return dict(wired.resources)

    def load_session(self, token: str) -> tuple[Principal, str] | None:
        """The signed-in person a session cookie's token names, and the session's CSRF token."""
        return self.session_loader(token_hash(token))

    async def run_blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    def run_in_transaction(self, ctx: RequestContext, call: Callable[[], Any], transaction: bool = True) -> Any:
        """Run `call` as one unit of work (unit_of_work.py): with `ctx` current and carrying this
        process's services, in one transaction unless told not to; its after-commit actions run
        once it has returned (and so its transactions have committed)."""
        return unit_of_work.run(ctx, self.services, call, transaction)

    def queue_job(self, path: str, scope: tuple[int, bool] | None, request_id: str, args: list[Any],
                  kwargs: Mapping[str, Any], delay: float = 0) -> None:
        """Push a job on the enqueuer thread: the caller does not wait for Redis (work that must
        not be lost keeps its own outbox row, which a sweeper finds in any case)."""
        self.enqueuer.submit(jobs.push, self.redis, path, scope, request_id, args, kwargs, delay)

    def invalidate_caches(self) -> None:
        """Drop this process's cached credentials and settings, and tell the others (caching.py)."""
        self.authenticator.clear()
        self.settings_cache.clear()
        try:
            self.counters.bump_generation()
        except Exception:  # Redis down: other processes fall back to the cache TTL
            log.warning("could not bump the cache generation; caches expire within the TTL")

    def start_background(self) -> None:
        """Usage log flusher always; the in-process worker only in the embedded mode."""
        self.request_log.start()
        self.counters.start()
        self.batcher.start()
        if self.checkpointer is not None:
            self.checkpointer.start()
        if self.embedded_queue:
            self._embedded_worker = worker.EmbeddedWorker(self.redis, self.ticker)
            self._embedded_worker.start()

    def stop_background(self) -> None:
        self.batcher.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.counters.stop()
        if self._embedded_worker:
            self._embedded_worker.stop()
            self._embedded_worker = None
        self.request_log.stop()

    def close(self) -> None:
        """Stop background threads and close database connections (tests, shutdown)."""
        self.enqueuer.shutdown(wait=True)  # queue what was committed
        self.stop_background()
        self.executor.shutdown(wait=False)
        self.release_connections()

    def release_connections(self) -> None:
        """Close every pooled connection (all threads), or this thread's SQLite connection."""
        close_all = getattr(self.database, "close_all", None)
        if close_all:
            close_all()
        elif not self.database.is_closed():
            self.database.close()

    def migrate(self) -> list[str]:
        return db.migrate(self.wiring.models)

    def load_fixtures(self) -> dict[str, int]:
        return fixtures.load_all(self)


def build(settings: Settings | None = None, hooks: Any = None) -> Runtime:
    """Assemble and install the process runtime (replacing any earlier one)."""
    previous = process.install(None)
    if previous is not None:
        previous.close()
    built = Runtime(settings or Settings.from_env(), wiring.load(hooks))
    process.install(built)
    return built


def rest_routes(wired: wiring.Wiring) -> list[tuple[str, str, Any]]:
    """(verb, path template, route) of every REST route: Frappe's resources, then hooks.rest_routes."""
    return [*RESOURCE_ROUTES, *((verb, path, route) for (verb, path), route in wired.rest_routes.items())]
