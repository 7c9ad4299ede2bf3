"""A call's time budget (TRACIQO_REQUEST_TIMEOUT): past it the caller gets 504 `timeout` and
nothing the call wrote is kept.

A method runs in a worker thread, which nothing can stop from outside. So two sides agree on
one outcome: the event loop, waiting, answers 504 once the deadline passes (`expire`), and the
thread, as its work ends and before its transaction commits, claims the commit (`claim_commit`)
or, if the deadline has passed, raises RequestTimedOut so the transaction rolls back. Whichever
comes first wins under a lock: an answer of 504 never hides a commit, and a call that started
committing in time is waited for.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import RequestTimedOut

T = TypeVar("T")

_RUNNING, _COMMITTING, _EXPIRED = range(3)


class Budget:
    __slots__ = ("deadline", "_state", "_lock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline  # time.monotonic()
        self._state = _RUNNING
        self._lock = threading.Lock()

    @classmethod
    def of(cls, seconds: float, started: float) -> Budget | None:
        """The budget of a call started at `started` (monotonic); None when calls have no limit."""
        return cls(started + seconds) if seconds > 0 else None

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    @property
    def expired(self) -> bool:
        return self._state == _EXPIRED

    def expire(self) -> bool:
        """The waiting side's claim: True if the call may be answered 504 now (it had not
        started committing, and never will); False if it is committing (wait for it)."""
        with self._lock:
            if self._state == _RUNNING:
                self._state = _EXPIRED
            return self._state == _EXPIRED

    def claim_commit(self) -> None:
        """The working side's claim, as its work ends: raise RequestTimedOut (its transaction
        then rolls back) when the deadline has passed or the waiting side answered already."""
        with self._lock:
            if self._state == _RUNNING and time.monotonic() > self.deadline:
                self._state = _EXPIRED
            if self._state == _EXPIRED:
                raise RequestTimedOut()
            self._state = _COMMITTING

    def guard(self, work: Callable[[], T]) -> Callable[[], T]:
        """`work`, refused if the budget is spent before it starts, and claiming the commit
        when it ends (run it inside the transaction)."""
        return functools.partial(self._run, work)

    def _run(self, work: Callable[[], T]) -> T:
        if time.monotonic() > self.deadline:  # e.g. it waited in the thread pool's queue
            self.claim_commit()
        result = work()
        self.claim_commit()
        return result


async def wait_within(budget: Budget, future: asyncio.Future[T], timed_out: Callable[[], T]) -> T:
    """`future`'s result (a call running in a worker thread), or `timed_out()` once the budget is
    spent: the future is then cancelled, and the call goes on until its guard refuses it."""
    timer = asyncio.get_running_loop().call_later(budget.remaining(), _expire, budget, future)
    try:
        return await future
    except asyncio.CancelledError:
        if budget.expired:  # cancelled by _expire, not along with the request
            return timed_out()
        raise
    finally:
        timer.cancel()


def _expire(budget: Budget, future: asyncio.Future[Any]) -> None:
    if budget.expire():
        future.cancel()  # the thread's result, when it comes, is dropped
