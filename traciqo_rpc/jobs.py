"""Background jobs on RQ: enqueue after commit, the job runner, and the embedded worker.

With TRACIQO_REDIS_URL the jobs go to a real Redis and `traciqo-rpc worker` processes run
them. Without it, the same RQ code paths run over an in-process fakeredis server with a
worker thread (worker.py), so `make run` needs nothing installed.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import redis
from rq import Queue

from . import process, tracing
from .context import RequestContext
from .principal import Principal
from .registry import job_path, job_runs_in_transaction

log = logging.getLogger("traciqo.jobs")

QUEUE_NAMES = ("default",)


def connect_redis(url: str | None) -> redis.Redis:
    """A real Redis client for `url`, or an in-process fakeredis server when unset."""
    if url:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)
    import fakeredis

    return fakeredis.FakeRedis(server=fakeredis.FakeServer())


def queue(connection: redis.Redis, name: str = "default") -> Queue:
    return Queue(name, connection=connection)


def queued_jobs(connection: redis.Redis) -> int:
    """Jobs waiting in the default queue (not the scheduled or running ones)."""
    return queue(connection).count


def enqueue_after_commit(ctx: RequestContext, func: Callable[..., Any], *args: Any, delay: float = 0,
                         **kwargs: Any) -> None:
    """Queue `func(*args, **kwargs)` once the current transaction commits (after `delay` seconds,
    through RQ's scheduler); dropped on rollback."""
    path = job_path(func)
    principal = ctx.principal
    scope = (principal.workspace_id, principal.is_sandbox) if principal else None
    services, request_id = ctx.services, ctx.request_id
    ctx.on_commit(lambda: services.queue_job(path, scope, request_id, list(args), kwargs, delay))


def push(connection: redis.Redis, path: str, scope: tuple[int, bool] | None, request_id: str, args: list[Any],
         kwargs: Mapping[str, Any], delay: float = 0) -> None:
    """Put one job on the queue (the runtime's enqueuer thread calls this after commit, in the
    context of the request or job that queued it: the job carries that one's trace)."""
    try:
        job_args = (run_job, path, scope, request_id, args, kwargs)
        meta = tracing.job_meta(request_id)  # for the job's log lines (worker.py)
        if delay > 0:
            queue(connection).enqueue_in(dt.timedelta(seconds=delay), *job_args, meta=meta)
        else:
            queue(connection).enqueue(*job_args, meta=meta)
    except redis.RedisError:
        # The caller's data is committed; durable work keeps its own outbox row.
        log.warning("could not enqueue %s (request %s): Redis unavailable", path, request_id)


def run_job(path: str, scope: Sequence[Any] | None, request_id: str, args: list, kwargs: Mapping) -> Any:
    """RQ entry point: look the job up in the frozen registry and run it as one unit of work
    (in one transaction unless the job keeps its own short ones)."""
    rt = process.runtime()
    func = rt.registry.jobs.get(path)
    if func is None:
        raise LookupError(f"unknown job {path!r}")
    ctx = RequestContext(request_id=request_id)
    if scope is not None:
        ctx.principal = Principal.system(int(scope[0]), bool(scope[1]))
    result = rt.run_in_transaction(ctx, lambda: func(ctx, *args, **kwargs), transaction=job_runs_in_transaction(func))
    try:
        rt.enqueuer.submit(lambda: None).result(timeout=30)  # a forked job horse exits right after: push first
    except RuntimeError:  # the embedded worker's process is closing: close() pushed what was queued
        pass
    return result


class PeriodicTicker:
    """Enqueues the scheduled jobs named in hooks, each at most once per interval cluster-wide.

    A Redis `SET NX EX` per job and interval makes several workers safe: only one enqueues.
    """

    def __init__(self, connection: redis.Redis, schedule: Mapping[Callable[..., Any], int]) -> None:
        self.connection = connection
        self.schedule = dict(schedule)

    def tick(self, now: float | None = None) -> list[str]:
        now = time.time() if now is None else now
        fired = []
        for func, interval in self.schedule.items():
            path = job_path(func)
            slot = int(now // interval)
            if self.connection.set(f"traciqo:tick:{path}:{slot}", 1, nx=True, ex=interval * 2):
                queue(self.connection).enqueue(run_job, path, None, f"tick-{slot}", [], {})
                fired.append(path)
        return fired
