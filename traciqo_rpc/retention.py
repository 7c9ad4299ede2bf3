"""Retention: deleting rows past their keeping time, a bounded batch at a time.

One DELETE of a year of backlog holds the write lock (SQLite's only writer; on PostgreSQL one
long transaction and every row's lock) for as long as it runs. Here each batch first finds at
most `batch_rows` rows with a read, which blocks nobody (WAL readers and PostgreSQL readers
take no write lock), then deletes them by primary key in a short transaction of its own,
checking the condition again: a row may have changed since it was read. A run stops after
`max_batches`; the next run carries on, so a backlog shrinks run by run at a bounded cost.

Jobs that prune declare `@background_job(transaction=False)`: inside one enclosing transaction
the batches would be savepoints of it, holding every lock to the end.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import peewee

from . import db

Found = TypeVar("Found")

BATCH_ROWS = 1000  # rows per delete: 1,000 deliveries with their attempts and events held the lock 25 ms (SQLite), 36 ms (PostgreSQL)
MAX_BATCHES = 100  # per run: 100,000 rows per rule an hour for an hourly job
PAUSE_SECONDS = 0.01  # between batches, so that a writer waiting for the lock gets it


def cutoff(now: dt.datetime, days: float = 0, hours: float = 0) -> dt.datetime | None:
    """The moment before which rows go, `days` and `hours` before `now`; None when both are 0:
    a keeping time of 0 means forever."""
    if days <= 0 and hours <= 0:
        return None
    return now - dt.timedelta(days=days, hours=hours)


def in_batches(find: Callable[[int], Sequence[Found]], delete: Callable[[Sequence[Found]], int],
               batch_rows: int = BATCH_ROWS, max_batches: int = MAX_BATCHES, pause: float = PAUSE_SECONDS,
               committed: Callable[[], Any] | None = None) -> int:
    """`find(limit)` reads at most `limit` rows to delete (outside any transaction: a read);
    `delete(rows)` deletes them, checking again that they are still to go, in a transaction of
    its own, and answers how many rows it deleted; `committed()`, if given, runs after each
    batch's commit (what lives outside the database: files). Stops when `find` answers fewer
    than asked, or after `max_batches`; answers the rows deleted in all."""
    deleted = 0
    for turn in range(max_batches):
        if turn and pause:
            time.sleep(pause)
        found = find(batch_rows)
        if not found:
            break
        with db.transaction():
            deleted += delete(found)
        if committed is not None:
            committed()
        if len(found) < batch_rows:
            break
    return deleted


def delete_where(model: type[peewee.Model], condition: Any, batch_rows: int = BATCH_ROWS,
                 max_batches: int = MAX_BATCHES, pause: float = PAUSE_SECONDS) -> int:
    """Delete the rows of `model` that meet `condition` (e.g. `Model.created_at < before`),
    by primary key, in batches; answers how many went."""
    key: Any = model._meta.primary_key

    def find(limit: int) -> list[Any]:
        return list(model.select(key).where(condition).limit(limit).scalars())

    def delete(keys: Sequence[Any]) -> int:
        return model.delete().where(key.in_(list(keys)) & condition).execute()

    return in_batches(find, delete, batch_rows, max_batches, pause)
