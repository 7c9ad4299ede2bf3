"""The assembled process: settings, wiring, registry, database, Redis and background threads.

Built once per process by the web app, the worker or the CLI; jobs reach it through `get()`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import peewee
import redis

from . import batching, db, jobs, prepared, registry, wiring, worker
from .auth import Authenticator
from .caching import SettingsCache
from .checkpoint import Checkpointer
from .context import RequestContext, use_context
from .ratelimit import LocalCounters, RateLimiter, SyncedCounters
from .registry import MethodSpec
from .settings import Settings
from .usage import RequestLogBuffer

log = logging.getLogger("traciqo")

_installed: Runtime | None = None

# Writer threads on PostgreSQL: while one batch waits for its round trips and its commit's
# WAL flush, the others run theirs (the server groups concurrent flushes).
POSTGRES_WRITERS = 4


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
        self.secret_key = settings.resolved_secret_key()  # read (or generated) once per process
        # Room for the call threads, the writers (PostgreSQL) and the background threads.
        self.database: peewee.Database = db.open_database(settings.database_url,
                                                          max_connections=settings.threads + POSTGRES_WRITERS + 8)
        db.bind(self.database)
        prepared.use(settings.database_prepared_statements)
        self.redis: redis.Redis = jobs.connect_redis(settings.redis_url)
        self.embedded_queue = settings.redis_url is None
        self.authenticator = Authenticator(wired.principal_loader, settings.auth_cache_seconds)
        self.rate_limiter = RateLimiter()
        # A Redis round trip per request cost more than the rest of a cached call: count in memory,
        # share in the background (one process needs no sharing at all).
        self.counters = LocalCounters() if self.embedded_queue else SyncedCounters(self.redis)
        self.settings_cache = SettingsCache(self.counters.generation, settings.auth_cache_seconds)
        self.request_log = RequestLogBuffer(wired.request_log_writer)
        self.ticker = jobs.PeriodicTicker(self.redis, wired.scheduled_jobs)
        self._embedded_worker: worker.EmbeddedWorker | None = None
        # Our own pool for the synchronous part of each request: cheaper per call than anyio's,
        # and its size caps the database connections of this process.
        self.executor = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="traciqo-call")
        # Short write calls share transactions on writer threads (see batching.py and
        # joins_batches): one on SQLite, several on PostgreSQL.
        self.batcher = batching.WriteBatcher(self.run_together, writers=1 if db.is_sqlite() else POSTGRES_WRITERS)
        self.group_commit = db.is_sqlite()
        self.checkpointer = Checkpointer(self.database) if db.is_sqlite() else None
        # One thread pushes jobs to the queue after commit, in order, off the request path.
        self.enqueuer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="traciqo-enqueue")

    async def run_blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def run_in_batch(self, ctx: RequestContext, work: Callable[[], Any],
                           together: Callable[[list[Any]], list[Any]] | None = None, item: Any = None) -> Any:
        """Run a short write in the writer's next batch (group commit, batching.py); its result
        once the batch has committed. With `together`, the batch's calls naming the same function
        run as one call of it on their `item`s, (ctx, arguments) pairs (see whitelist's `many`);
        `work` alone is what a replay runs."""
        return await self.batcher.run(self.run_in_transaction, ctx, work, False, together=together, item=item)

    def run_in_transaction(self, ctx: RequestContext, call: Callable[[], Any], transaction: bool = True) -> Any:
        """Run `call` with `ctx` set, in one transaction unless told not to; after-commit actions
        run only once the call has returned (and so its transactions have committed).
        """
        with use_context(ctx):
            ctx.after_commit.clear()
            if transaction:
                with db.transaction():
                    result = call()
            else:
                # Reads in autocommit (BEGIN/COMMIT was a third of a cached whoami's time);
                # a writing method opens its own, shorter, transactions; a batched call is
                # already inside the writer's.
                result = call()
            if not ctx.after_commit:
                return result
            actions, ctx.after_commit[:] = list(ctx.after_commit), []
            shared_commit = batching.deferring_after_commit()
            if shared_commit is not None:  # our part of the batch is done, the batch not yet committed
                shared_commit.extend(actions)
                return result
            for action in actions:
                try:
                    action()
                except Exception:
                    log.exception("after-commit action failed (request %s)", ctx.request_id)
        return result

    def joins_batches(self, spec: MethodSpec) -> bool:
        """Whether a batched method's calls go to the writer thread. On SQLite, every one: it has
        one writer anyway. PostgreSQL takes concurrent writers and groups their WAL flushes
        itself, and a writer running calls one by one only lined up their network round trips;
        but a method with a `many` form does a whole batch in a few round trips."""
        return spec.batched and (self.group_commit or spec.many is not None)

    def run_together(self, together: Callable[[list[Any]], list[Any]],
                     items: list[tuple[RequestContext, dict[str, Any]]]) -> list[Any]:
        """Run many batched calls' work in one call of their method's `many` form (see batching.py);
        each call's after-commit actions wait for the batch's commit, as in run_in_transaction."""
        for ctx, _ in items:
            ctx.after_commit.clear()
        results = together(items)
        shared_commit = batching.deferring_after_commit()
        for ctx, _ in items:
            if ctx.after_commit:
                shared_commit.extend(ctx.after_commit)
                ctx.after_commit.clear()
        return results

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
        from .fixtures import load_all

        return load_all(self)


def build(settings: Settings | None = None, hooks: Any = None) -> Runtime:
    """Assemble and install the process runtime (replacing any earlier one)."""
    global _installed
    if _installed is not None:
        _installed.close()
    _installed = Runtime(settings or Settings.from_env(), wiring.load(hooks))
    return _installed


def get() -> Runtime:
    if _installed is None:
        raise RuntimeError("traciqo runtime not built: call traciqo_rpc.runtime.build() first")
    return _installed
