"""A unit of work: one transaction, and what must happen once it has committed.

Every way code runs goes through one: a method call, a page, a job, a CLI command, and a
group-committed batch, whose calls share the batch's unit (their after-commit work waits for
the batch's one commit, and goes with it if it fails). Business code sees only
`ctx.on_commit(action)`, usually through `enqueue_after_commit`, `publish` or a cache
invalidation: queueing a job or telling other processes about a change before the data is
committed would let them act on what may yet be rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import db
from .context import use_context

if TYPE_CHECKING:
    from .context import RequestContext
    from .services import Services

log = logging.getLogger("traciqo.unit_of_work")


class UnitOfWork:
    """The after-commit actions of one transaction (or of one call's part of a batch)."""

    __slots__ = ("_after_commit",)

    def __init__(self) -> None:
        self._after_commit: list[Callable[[], Any]] = []

    def on_commit(self, action: Callable[[], Any]) -> None:
        self._after_commit.append(action)

    def adopt(self, part: UnitOfWork) -> None:
        """Take over a finished part's actions (a batch call that succeeded in its savepoint)."""
        self._after_commit += part._after_commit
        part._after_commit = []

    def discard(self) -> None:
        """The work was rolled back: nothing of it happens after all."""
        self._after_commit.clear()

    def committed(self) -> None:
        """Run the actions, in order; one that fails is logged and does not stop the others."""
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                action()
            except Exception:
                log.exception("after-commit action failed")


def run(ctx: RequestContext, services: Services, call: Callable[[], Any], transaction: bool = True) -> Any:
    """Run `call` with `ctx` current, in one transaction unless told not to (reads, and work
    that keeps its own transactions short); its after-commit actions run once it has returned."""
    unit = ctx.unit = UnitOfWork()
    if ctx.services is None:
        ctx.services = services
    with use_context(ctx):
        if transaction:
            with db.transaction():
                result = call()
        else:
            result = call()
    unit.committed()
    return result
