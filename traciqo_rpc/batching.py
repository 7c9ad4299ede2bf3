"""Group commit: short writes (a scan, an activation) share one transaction and one commit.

A batched method names a batch function, which does the work of many calls at once: items
in, their results out, in order (`@whitelist(batch=...)`, e.g. one UPDATE for every code
scanned in the batch and one INSERT for all their scan rows). A writer thread takes the calls
that have arrived (up to MAX_BATCH), runs each batch function once on its calls' items inside
one transaction, commits once, and hands every result back to the event loop in one wake-up.
The answer is still sent only after the commit, so nothing is acknowledged that could be
lost; the calls share one unit of work, so their after-commit actions (queueing webhook jobs)
wait for that commit and are dropped if it fails.

A batch function may refuse an item before writing anything for it, by putting its error in
the item's place. If it raises, which call was at fault shows only when each runs alone: the
batch rolls back and runs again with every item alone, each in a savepoint, so that failure
undoes only its own work (a savepoint for every call always cost a tenth of a scan: SQLite
copies each page a savepoint touches into a journal). Batch functions must therefore be safe
to run twice: they may only read and write the database and register after-commit actions;
the dispatcher admits a caller, counts its rate and logs its usage outside them.

Why: on SQLite a commit writes the changed pages to the WAL (tens of microseconds) and the
database has one writer anyway, so each call committing alone made the commit its largest
cost; sharing it is what lets one process record thousands of scans a second. PostgreSQL
takes concurrent writers, but a batch costs it a few network round trips in all instead of a
few per call, so batched methods join the writers there too (several writer threads, so one
batch's round trips and commit overlap the next one's).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import db, errors
from .context import RequestContext, use_context
from .unit_of_work import UnitOfWork

log = logging.getLogger("traciqo.batching")

MAX_BATCH = 64  # calls per transaction: bounds how long other writers wait for the lock

BatchFunction = Callable[[list[Any]], list[Any]]


class CommitFailed(Exception):
    """The shared commit of a batch failed: the call's own work succeeded, but is gone."""


class _Replay(Exception):
    """A batch function raised: which item was at fault shows only when each runs alone."""


class _Call:
    __slots__ = ("ctx", "batch", "item", "future", "loop", "result", "error")

    def __init__(self, ctx: RequestContext, batch: BatchFunction, item: Any, future: asyncio.Future,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.ctx, self.batch, self.item, self.future, self.loop = ctx, batch, item, future, loop
        self.result: Any = None
        self.error: BaseException | None = None


def single(batch: BatchFunction, item: Any) -> Any:
    """One item's result from its batch function, raising a refusal (outside the writer: a key
    that had to be loaded first, the CLI)."""
    result = batch([item])[0]
    if isinstance(result, Exception):
        raise result
    return result


Call = TypeVar("Call")


def each_in_order(calls: Sequence[Call], run: Callable[[Call], Any], order: Callable[[Call], Any]) -> list[Any]:
    """A batch function's calls, each run as it would run alone. Where writers run side by side
    (PostgreSQL), calls that hold row locks until the commit must take them in one order, or two
    batches can wait on each other in a circle: they run sorted by `order` (a refusal there is
    that call's answer), each in a savepoint so a refusal undoes only its own work. SQLite has
    one writer: the calls run as they came (a refusal reruns the batch call by call)."""
    if db.is_sqlite():
        return [run(call) for call in calls]
    outcomes: list[Any] = [None] * len(calls)
    keyed = []
    for position, call in enumerate(calls):
        try:
            keyed.append((order(call), position))
        except errors.TraciqoError as refusal:  # before anything was written for it
            outcomes[position] = refusal
    for _, position in sorted(keyed):
        try:
            with db.database.atomic():
                outcomes[position] = run(calls[position])
        except errors.TraciqoError as refusal:
            outcomes[position] = refusal
    return outcomes


class WriteBatcher:
    """`writers` threads take batches: one on SQLite (one writer at a time anyway); on
    PostgreSQL several, so that one batch's round trips and commit overlap the next one's."""

    def __init__(self, writers: int = 1) -> None:
        self._writers = writers
        self._pending: deque[_Call] = deque()
        self._taking = threading.Lock()  # one writer at a time takes calls off the queue
        self._wake = threading.Event()
        self._stopping = False
        self._threads: list[threading.Thread] = []

    async def run(self, ctx: RequestContext, batch: BatchFunction, item: Any) -> Any:
        """`batch([item])[0]`, done in the next batch with the other calls' items of the same
        batch function; returns once the batch has committed, or raises the item's refusal,
        what the batch function raised for it alone, or CommitFailed."""
        if self._stopping:
            raise CommitFailed("the server is stopping")
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append(_Call(ctx, batch, item, future, loop))
        if not self._wake.is_set():  # Event.set takes a lock and notifies even when already set
            self._wake.set()
        return await future

    def start(self) -> None:
        self._stopping = False
        self._threads = [threading.Thread(target=self._work, name=f"traciqo-writer-{n}", daemon=True)
                         for n in range(self._writers)]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def _take(self) -> list[_Call]:
        with self._taking:
            return [self._pending.popleft() for _ in range(min(MAX_BATCH, len(self._pending)))]

    def _work(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while batch := self._take():
                try:
                    self._run_batch(batch)
                except Exception as exc:  # never let the writer die: every later call would wait forever
                    log.exception("the writer failed on a batch of %d calls", len(batch))
                    for call in batch:
                        call.error = CommitFailed(str(exc))
                    _answer(batch)
            if self._stopping:
                self._wake.set()  # and the other writers, waiting on the same event
                return

    def _run_batch(self, calls: list[_Call]) -> None:
        unit = UnitOfWork()
        try:
            try:
                with db.transaction():
                    _run_together(calls, unit)
            except _Replay:  # rolled back: run them all again, each alone in a savepoint
                unit.discard()
                for call in calls:
                    call.result = call.error = None
                with db.transaction():
                    for call in calls:
                        _run_alone(call, unit)
        except Exception as exc:  # BEGIN or COMMIT failed: none of the batch's work is kept
            log.exception("a batch of %d calls could not commit", len(calls))
            unit.discard()
            for call in calls:
                if call.error is None:
                    call.error = CommitFailed(str(exc))
                    call.error.__cause__ = exc
        # After-commit actions first (pages and caches forgotten, jobs handed to the enqueuer):
        # a caller answered before them could read its own change's stale page.
        try:
            unit.committed()
        finally:
            _answer(calls)


def _run_together(calls: list[_Call], unit: UnitOfWork) -> None:
    """Each batch function once, on its calls' items, in the open transaction."""
    groups: dict[BatchFunction, list[_Call]] = {}
    for call in calls:
        call.ctx.unit = unit
        groups.setdefault(call.batch, []).append(call)
    for batch, members in groups.items():
        try:
            results = batch([call.item for call in members])
        except BaseException as exc:
            if not db.transaction_alive():  # nothing of the batch can be kept: all answer 503
                raise CommitFailed("the batch's transaction ended with an error") from exc
            raise _Replay from exc
        for call, result in zip(members, results, strict=True):
            if isinstance(result, Exception):  # refused before anything was written for it
                call.error = result
            else:
                call.result = result


def _run_alone(call: _Call, unit: UnitOfWork) -> None:
    """One call in a savepoint of the open transaction; its after-commit actions join the
    batch's only if it succeeds.

    A failure that ended the transaction itself (SQLite rolls back on its own after a full disk
    or an I/O error) stops the batch: the calls after it would otherwise commit one by one
    while their callers are told to retry."""
    part = call.ctx.unit = UnitOfWork()
    try:
        with use_context(call.ctx), db.transaction():  # a savepoint inside the batch's transaction
            result = call.batch([call.item])[0]
            if isinstance(result, Exception):
                raise result
        call.result = result
        unit.adopt(part)
    except BaseException as exc:
        call.error = exc
        if not db.transaction_alive():
            raise CommitFailed("the batch's transaction ended with an error") from exc


def _answer(batch: list[_Call]) -> None:
    """Hand the results back: one wake-up per event loop, not one per call."""
    groups: dict[asyncio.AbstractEventLoop, list[_Call]] = {}
    for call in batch:
        groups.setdefault(call.loop, []).append(call)
    for loop, calls in groups.items():
        with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits any more
            loop.call_soon_threadsafe(_settle, calls)


def _settle(calls: list[_Call]) -> None:
    for call in calls:
        if call.future.done():  # the client went away
            continue
        if call.error is not None:
            call.future.set_exception(call.error)
        else:
            call.future.set_result(call.result)
