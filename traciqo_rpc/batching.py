"""Group commit: short write calls (a scan, an activation) share one transaction and one commit.

One writer thread takes whatever calls have arrived, runs them one after another inside a
single transaction, commits once, and hands every result back to the event loop in one
wake-up. The answer is still sent only after the commit, so nothing is acknowledged that
could be lost; after-commit actions (queueing webhook jobs) wait for the shared commit, and
are dropped if it fails.

A call that fails must leave nothing behind, yet giving every call a savepoint of its own
cost a tenth of a scan (SQLite copies each page a savepoint touches into a journal). So a
batch runs without them and counts the rows the connection has changed: a call that fails
before it has written anything (a bad serial, an unknown code) simply fails; one that fails
after writing rolls the whole batch back, and the batch runs again with a savepoint around
every call, so that failure undoes only its own work. The calls must therefore be safe to
run twice: the dispatcher admits a caller, counts its rate and logs its usage outside them.

A method may also say how to do many calls' work at once (`@whitelist(many=...)`): the
batch's calls to it then run as one call of that function, e.g. one UPDATE for every code
scanned in the batch and one INSERT for all their scan rows, instead of a few statements and
their Python per call. If it raises, the batch replays with every call alone, as above.

Why: on SQLite a commit writes the changed pages to the WAL (tens of microseconds) and the
database has one writer anyway, so each call committing alone made the commit its largest
cost. Sharing it is what lets one process record thousands of scans a second. The
dispatcher sends every batched method here on SQLite; on PostgreSQL, which takes concurrent
writers and groups their WAL flushes itself, only those with a `many` form: a batch of them
costs a few network round trips in all instead of a few per call (Runtime.joins_batches).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from . import db

log = logging.getLogger("traciqo.batching")

MAX_BATCH = 64  # calls per transaction: bounds how long other writers wait for the lock

_local = threading.local()


def deferring_after_commit() -> list[Callable[[], Any]] | None:
    """Inside a batch: the list where after-commit actions wait for the shared commit."""
    return getattr(_local, "after_commit", None)


class _Call:
    __slots__ = ("func", "args", "together", "item", "future", "loop", "result", "error")

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], together: Callable[..., Any] | None,
                 item: Any, future: asyncio.Future, loop: asyncio.AbstractEventLoop) -> None:
        self.func, self.args, self.together, self.item, self.future, self.loop = func, args, together, item, future, loop
        self.result: Any = None
        self.error: BaseException | None = None


class CommitFailed(Exception):
    """The shared commit of a batch failed: the call's own work succeeded, but is gone."""


class _Replay(Exception):
    """A call failed after writing: without a savepoint its rows can only go with the batch's."""


RunTogether = Callable[[Callable[[list[Any]], list[Any]], list[Any]], list[Any]]


def _call_directly(together: Callable[[list[Any]], list[Any]], items: list[Any]) -> list[Any]:
    return together(items)


class WriteBatcher:
    """`run_together(together, items)` runs the work of a batch's calls that share a `together`
    function (the runtime sets the request contexts and collects their after-commit actions).
    `writers` threads take batches: one on SQLite (one writer at a time anyway); on PostgreSQL
    several, so that one batch's round trips and commit overlap the next one's."""

    def __init__(self, run_together: RunTogether = _call_directly, writers: int = 1) -> None:
        self._run_together = run_together
        self._writers = writers
        self._pending: deque[_Call] = deque()
        self._taking = threading.Lock()  # one writer at a time takes calls off the queue
        self._wake = threading.Event()
        self._stopping = False
        self._threads: list[threading.Thread] = []

    async def run(self, func: Callable[..., Any], *args: Any, together: Callable[[list[Any]], list[Any]] | None = None,
                  item: Any = None) -> Any:
        """Run `func(*args)` in the next batch; returns its result once the batch has committed,
        or raises CommitFailed (or what `func` raised).

        With `together`, the batch's calls that name the same function run as one call of it,
        `together([item, ...])`, which answers their results in order (e.g. one statement for
        every scan in the batch); a call refused before anything was written for it may get its
        exception in its result's place; if `together` raises, the batch runs again with
        `func(*args)` per call.
        Either may run twice (see the module's docstring): they must only read and write the
        database and register after-commit actions.
        """
        if self._stopping:
            raise CommitFailed("the server is stopping")
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append(_Call(func, args, together, item, future, loop))
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

    def _run_batch(self, batch: list[_Call]) -> None:
        after_commit: list[Callable[[], Any]] = []
        _local.after_commit = after_commit
        try:
            try:
                with db.transaction():
                    self._run_calls(batch, isolated=False)
            except _Replay:  # rolled back: run them all again, each in a savepoint
                after_commit.clear()
                for call in batch:
                    call.result = call.error = None
                with db.transaction():
                    self._run_calls(batch, isolated=True)
        except Exception as exc:  # BEGIN or COMMIT failed: none of the batch's work is kept
            log.exception("a batch of %d calls could not commit", len(batch))
            after_commit.clear()
            for call in batch:
                if call.error is None:
                    call.error = CommitFailed(str(exc))
                    call.error.__cause__ = exc
        finally:
            _local.after_commit = None
        _answer(batch)
        for action in after_commit:
            try:
                action()
            except Exception:
                log.exception("after-commit action failed")

    def _run_calls(self, batch: list[_Call], isolated: bool) -> None:
        """Run the calls in the open transaction. Isolated (a replay): each alone, in a savepoint,
        so a failure rolls back only itself. Otherwise calls that share a `together` function run
        as one call of it (if it raises, _Replay), and any other call runs alone: one that fails
        before writing fails alone, one that fails after writing raises _Replay. Backends that
        do not count changed rows (PostgreSQL) give those other calls a savepoint from the start."""
        counts_changes = db.total_changes() is not None
        groups: dict[Callable[..., Any], list[_Call]] = {}
        for call in batch:
            if isolated or call.together is None:
                _run_alone(call, isolated=isolated or not counts_changes)
            else:
                groups.setdefault(call.together, []).append(call)
        for together, calls in groups.items():
            try:
                results = self._run_together(together, [call.item for call in calls])
            except BaseException as exc:  # which call was at fault shows only when each runs alone
                if not db.transaction_alive():  # nothing of the batch can be kept: all answer 503
                    raise CommitFailed("the batch's transaction ended with an error") from exc
                raise _Replay from exc
            for call, result in zip(calls, results, strict=True):
                if isinstance(result, Exception):  # refused before anything was written for it
                    call.error = result
                else:
                    call.result = result


def _run_alone(call: _Call, isolated: bool) -> None:
    """One call in the open transaction.

    A failure that ended the transaction itself (SQLite rolls back on its own after a full disk
    or an I/O error) stops the batch: the calls after it would otherwise commit one by one
    while their callers are told to retry."""
    written_before = None if isolated else db.total_changes()
    try:
        if isolated:
            with db.transaction():  # a savepoint inside the batch's transaction
                call.result = call.func(*call.args)
        else:
            call.result = call.func(*call.args)
    except BaseException as exc:
        call.error = exc
        if not db.transaction_alive():
            raise CommitFailed("the batch's transaction ended with an error") from exc
        if not isolated and db.total_changes() != written_before:
            raise _Replay from exc


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
