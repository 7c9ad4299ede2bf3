"""What business code may use of the process it runs in, reached as `ctx.services`.

Settings, the signing key, the cache of per-workspace settings, the clock, events, the job
queue, cache invalidation, the group-commit writer, worker threads for reads, kept pages, the
resources and the methods: the runtime builds one Services per
process and every context it runs carries it (a method call, a page, a job, a CLI command),
as Starlette hands an endpoint its `request`. Doctypes never import the runtime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .page_cache import KeptPages

if TYPE_CHECKING:
    from .batching import BatchFunction, WriteBatcher
    from .caching import SettingsCache
    from .context import RequestContext
    from .registry import MethodSpec
    from .resource import Resource
    from .settings import Settings

# (ctx, event name, data) entries -> their event ids, None where none was kept (hooks.event_writer)
EventWriter = Callable[[Sequence[tuple["RequestContext", str, dict[str, Any]]]], list["str | None"]]


class Services:
    __slots__ = ("settings", "secret_key", "cache", "clock", "doc_events", "event_writer", "_queue_job",
                 "_queued_jobs", "_invalidate_caches", "_batcher", "_flush_usage", "resources", "_methods",
                 "pages", "_read_in_thread")

    def __init__(self, settings: Settings, secret_key: str, cache: SettingsCache, clock: Callable[[], dt.datetime],
                 doc_events: Mapping[str, str], event_writer: EventWriter | None,
                 queue_job: Callable[..., None], queued_jobs: Callable[[], int], invalidate_caches: Callable[[], None],
                 batcher: WriteBatcher, flush_usage: Callable[[], object],
                 resources: Mapping[str, Resource] | None = None,
                 methods: Mapping[str, MethodSpec] | None = None, pages: KeptPages | None = None,
                 read_in_thread: Callable[[RequestContext, Callable[[], Any]], Awaitable[Any]] | None = None) -> None:
        self.settings = settings
        self.secret_key = secret_key
        self.cache = cache
        self.clock = clock
        self.doc_events = doc_events
        self.event_writer = event_writer
        self._queue_job = queue_job
        self._queued_jobs = queued_jobs
        self._invalidate_caches = invalidate_caches
        self._batcher = batcher
        self._flush_usage = flush_usage
        self.resources: Mapping[str, Resource] = resources or {}  # by DocType (hooks.resources)
        self._methods: Mapping[str, MethodSpec] = methods or {}
        # Rendered public pages (page_cache.py). Not `pages or ...`: an empty KeptPages is falsy.
        self.pages = pages if pages is not None else KeptPages(lambda: 0)
        self._read_in_thread = read_in_thread

    def method(self, path: str) -> MethodSpec:
        """A whitelisted method, to call as its own route would (frappe.client's writes)."""
        return self._methods[path]

    def queue_job(self, path: str, scope: tuple[int, bool] | None, request_id: str, args: list[Any],
                  kwargs: Mapping[str, Any], delay: float = 0) -> None:
        """Put a job on the queue, off the caller's path (see jobs.enqueue_after_commit)."""
        self._queue_job(path, scope, request_id, args, kwargs, delay)

    def queued_jobs(self) -> int:
        """How many jobs wait in the queue (not the scheduled or running ones)."""
        return self._queued_jobs()

    def invalidate_caches(self) -> None:
        """Make every process drop cached credentials and settings (see caching.py)."""
        self._invalidate_caches()

    def flush_usage(self) -> None:
        """Write this process's buffered usage counts now (before reading usage back)."""
        self._flush_usage()

    def run_batched(self, ctx: RequestContext, batch: BatchFunction, item: Any) -> Awaitable[Any]:
        """From the event loop: `batch([item])[0]`, done in the writer's next batch together with
        the other items of the same batch function (group commit, see batching.py)."""
        return self._batcher.run(ctx, batch, item)

    def read_in_thread(self, ctx: RequestContext, call: Callable[[], Any]) -> Awaitable[Any]:
        """From the event loop: `call()` in a worker thread, as a unit of work of its own with
        no transaction (a page's reads, when what it keeps is not fresh)."""
        if self._read_in_thread is None:
            raise RuntimeError("this process runs no worker threads")
        return self._read_in_thread(ctx, call)
