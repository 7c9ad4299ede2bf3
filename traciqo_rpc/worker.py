"""Workers that outlive Redis: `traciqo-rpc worker` and the embedded worker thread.

RQ's worker gives up for good on a Redis error outside its idle wait ("found an unhandled
exception, quitting"): stopping Redis for 20 s under load left 17,744 events undelivered
until someone restarted the worker. Here a worker that stops for any reason but a request to
stop waits for Redis with backoff and starts again; what was lost with Redis's queue (a
restart without persistence) the webhook sweeper finds in the database.

Idle workers also logged "could not connect to Redis ... Timeout reading" every few seconds
while Redis was fine: the shared client's 5 s socket timeout was shorter than RQ's blocking
dequeue. Each worker now gets a client of its own, whose timeout RQ sets to outlast its wait.

RQ's lines go through our logging (logs.py takes its loggers over); while a job runs, every
line, RQ's and the job's, carries the job's id, its request's id and its trace as fields.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty
from rq.worker.base import BaseWorker

from . import tracing
from .jobs import QUEUE_NAMES, PeriodicTicker, queue

log = logging.getLogger("traciqo.worker")

# How long a worker's registration lives between heartbeats; RQ's blocking dequeue waits 15 s
# less, so a dead connection is noticed within a minute (RQ's default is seven).
WORKER_TTL = 60


class Backoff:
    """Waits of 1, 2, 4 ... up to `longest` seconds, each with up to 10% jitter."""

    def __init__(self, first: float = 1.0, longest: float = 30.0) -> None:
        self.first, self.longest = first, longest
        self._next = first

    def next(self) -> float:
        delay = self._next
        self._next = min(self._next * 2, self.longest)
        return delay * random.uniform(1.0, 1.1)

    def reset(self) -> None:
        self._next = self.first


def wait_for_redis(connection: redis.Redis, stop: threading.Event, backoff: Backoff, who: str) -> bool:
    """Ping until Redis answers (True) or `stop` is set (False); one warning per outage."""
    warned = False
    while not stop.is_set():
        try:
            connection.ping()
            if warned:
                log.warning("%s: Redis is back; working again", who)
            return True
        except redis.RedisError as exc:
            delay = backoff.next()
            if not warned:
                log.warning("%s: Redis unavailable (%s); retrying every %.0f-%.0f s until it returns",
                            who, exc, delay, backoff.longest)
                warned = True
            stop.wait(delay)
    return False


def keep_working(connect: Callable[[], redis.Redis], make_worker: Callable[[redis.Redis], BaseWorker],
                 work: Callable[[BaseWorker], Any], stop: threading.Event, who: str, once: bool = False) -> None:
    """Run `work(make_worker(connect()))` again and again until `stop` is set (or, with `once`,
    until one run ends on its own): a run that Redis cut short waits for Redis and starts anew."""
    backoff = Backoff()
    while not stop.is_set():
        connection = connect()
        if not wait_for_redis(connection, stop, backoff, who):
            break
        started = time.monotonic()
        try:
            work(make_worker(connection))
            finished = True
        except redis.RedisError as exc:  # e.g. from RQ's teardown, after it gave up
            log.warning("%s: lost Redis (%s)", who, exc)
            finished = False
        except Exception:
            log.exception("%s: the worker failed", who)
            finished = False
        if (once and finished) or stop.is_set():
            break
        if time.monotonic() - started > 60:
            backoff.reset()  # it ran a while: this is a new outage, start with short waits
        stop.wait(backoff.next())


class PromptPubSub(BaseWorker):
    """RQ's worker listens for commands (stop a job, shut down) in a pubsub thread that waits up
    to 60 s per read, and its teardown joins that thread: a run that ended before its
    subscription was confirmed (a short burst, or Redis gone) hung for a minute. Ours waits 1 s."""

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]  # RQ starts it as None
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler)


class LoggedJobs(BaseWorker):
    """Each job is handled with its ids as log fields: its id, the request that queued it and
    that request's trace (tracing.job_fields), in the worker and in the horse it forks."""

    def execute_job(self, job: Job, queue: Queue) -> Any:
        with tracing.handling(tracing.job_fields(job.id, job.meta)):
            return super().execute_job(job, queue)


class ProcessWorker(LoggedJobs, PromptPubSub, Worker):
    """RQ's forking worker that tells us when it is asked to stop (SIGTERM, SIGINT)."""

    stopping: threading.Event

    def request_stop(self, signum: Any, frame: Any) -> None:
        self.stopping.set()
        super().request_stop(signum, frame)


def run_process_worker(redis_url: str, ticker: PeriodicTicker, burst: bool, logging_level: str) -> int:
    """`traciqo-rpc worker`: RQ's worker with its scheduler, plus our periodic ticker, until stopped."""
    stop = threading.Event()

    def stop_on_signal() -> None:
        # Between RQ's runs (RQ installs handlers of its own while it works), a signal ends the loop.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())

    def make_worker(connection: redis.Redis) -> Worker:
        worker = ProcessWorker([queue(connection, name) for name in QUEUE_NAMES], connection=connection,
                               worker_ttl=WORKER_TTL)
        worker.stopping = stop
        return worker

    def work(worker: BaseWorker) -> None:
        try:
            worker.work(burst=burst, with_scheduler=not burst, logging_level=logging_level)
        finally:
            stop_on_signal()
            worker.connection.close()

    stop_on_signal()
    if not burst:  # a burst run works the queue it finds and nothing more
        threading.Thread(target=_tick_forever, args=(ticker, stop), name="traciqo-ticker", daemon=True).start()
    keep_working(lambda: worker_connection(redis_url), make_worker, work, stop, "worker", once=burst)
    return 0


def worker_connection(redis_url: str) -> redis.Redis:
    """A client for one worker: RQ raises its socket timeout above its blocking wait (a shared
    client with a short timeout made every idle wait end in a timeout error)."""
    return redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=30)


def _tick_forever(ticker: PeriodicTicker, stop: threading.Event) -> None:
    down = False
    while not stop.is_set():
        try:
            ticker.tick()
            down = False
        except redis.RedisError:
            if not down:
                log.warning("ticker: Redis unavailable; scheduled jobs wait until it returns")
            down = True
        except Exception:
            log.exception("periodic ticker failed")
        stop.wait(1)


class ThreadWorker(LoggedJobs, PromptPubSub, SimpleWorker):
    """RQ's SimpleWorker made safe for a non-main thread (no signals, timer-based timeouts)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self) -> None:
        pass

    def dequeue_job_and_maintain_ttl(self, timeout: int | None, max_idle_time: int | None = None) -> Any:
        """RQ 3 keeps listening through every dequeue timeout until a job comes: a signal ends a
        process worker's wait, but a thread gets none, and a stopped embedded worker listened
        (with its threads) until the process ended. Each timeout now checks for a stop."""
        while True:
            result = super().dequeue_job_and_maintain_ttl(timeout, max_idle_time=timeout)
            if result is not None or timeout is None:
                return result
            if self._stop_requested:
                raise StopRequested()


class EmbeddedWorker:
    """The embedded mode's worker: an RQ worker, RQ's scheduled-job mover and the periodic
    ticker in daemon threads, over the in-process Redis stand-in."""

    def __init__(self, connection: redis.Redis, ticker: PeriodicTicker | None = None) -> None:
        self.connection = connection
        self.ticker = ticker
        self._stop = threading.Event()
        self.worker: ThreadWorker | None = None

    def start(self) -> None:
        for target, name in ((self._work, "traciqo-worker"), (self._schedule, "traciqo-scheduler")):
            threading.Thread(target=target, name=name, daemon=True).start()

    def _make_worker(self, connection: redis.Redis) -> BaseWorker:
        # A short TTL makes the blocking dequeue wake every second, so a stop is seen quickly.
        self.worker = ThreadWorker([queue(connection, n) for n in QUEUE_NAMES], connection=connection, worker_ttl=16)
        if self._stop.is_set():
            self.worker._stop_requested = True
        return self.worker

    def _work(self) -> None:
        keep_working(lambda: self.connection, self._make_worker,
                     lambda worker: worker.work(logging_level="WARNING"), self._stop, "embedded worker")

    def _schedule(self) -> None:
        scheduler = RQScheduler(list(QUEUE_NAMES), connection=self.connection, logging_level="WARNING")
        scheduler._connection = self.connection  # type: ignore[assignment]  # share the in-process server, not a copy
        while not self._stop.is_set():
            try:
                scheduler.acquire_locks()
                scheduler.enqueue_scheduled_jobs()
                if self.ticker:
                    self.ticker.tick()
            except Exception:  # pragma: no cover
                log.exception("embedded scheduler failed")
            self._stop.wait(0.5)

    def stop(self) -> None:
        """Ask the threads to stop; they finish their current job and exit within a second."""
        self._stop.set()
        if self.worker is not None:
            self.worker._stop_requested = True
