"""The outbox's retention: finished deliveries go once past their keeping time, with their
attempts, and an event goes with the last of its deliveries.

A delivery that succeeded is kept `delivered_days`; one that failed `failed_days` (longer:
it can be redelivered, and the event must still be there to send). A pending delivery, one
waiting for a retry or held by a worker sending it, is never deleted, and so neither is its
event. One job for every workspace: rows are picked by status and age, never by owner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from doctypes.webhook.model import FAILED, SUCCEEDED
from doctypes.webhook.queries import DELETE_ATTEMPTS, DELETE_FINISHED, FINISHED_BEFORE
from traciqo_rpc import retention
from traciqo_rpc.statements import fetch, run

from .queries import DELETE_WITHOUT_DELIVERIES


def prune(now: dt.datetime, delivered_days: int, failed_days: int, batch_rows: int = retention.BATCH_ROWS,
          max_batches: int = retention.MAX_BATCHES, pause: float = retention.PAUSE_SECONDS) -> int:
    """Delete finished deliveries past their keeping time (0 days: kept forever), their attempts
    and the events left without deliveries, in batches (traciqo_rpc/retention.py); answers the
    rows deleted."""
    deleted = 0
    for status, days in ((SUCCEEDED, delivered_days), (FAILED, failed_days)):
        before = retention.cutoff(now, days=days)
        if before is not None:
            deleted += retention.in_batches(partial(_finished, status, before), partial(_delete, status, before),
                                            batch_rows, max_batches, pause)
    return deleted


def _finished(status: str, before: dt.datetime, limit: int) -> list[str]:
    return [delivery_id for delivery_id, in fetch(FINISHED_BEFORE, (status, before, before, limit))]


def _delete(status: str, before: dt.datetime, delivery_ids: Sequence[str]) -> int:
    gone = fetch(DELETE_FINISHED, (*delivery_ids, status, before), values=len(delivery_ids))
    if not gone:
        return 0
    attempts = run(DELETE_ATTEMPTS, [delivery_id for delivery_id, _ in gone], values=len(gone)).rowcount
    event_ids = sorted({event_id for _, event_id in gone})
    events = run(DELETE_WITHOUT_DELIVERIES, event_ids, values=len(event_ids)).rowcount
    return len(gone) + attempts + events
