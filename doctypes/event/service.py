"""Writing events to the outbox (hooks.event_writer) and reading them back."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from typing import Any

from doctypes.webhook.delivery import subscribers
from doctypes.webhook.jobs import fan_out
from traciqo_rpc import db
from traciqo_rpc.context import RequestContext
from traciqo_rpc.rendering import dumps, json_datetime
from traciqo_rpc.statements import run_many

from .model import PENDING, Event
from .queries import INSERT_EVENT


def new_event_id() -> str:
    """`evt_` + a time-ordered id with 48 random bits (24 hex digits): random ids scattered every
    insert over the whole primary-key index, which made each scan's commit write more pages.
    Event ids must be unique, not secret (reading an event takes the workspace's key), so the
    bits come from `random`: the OS random source is a system call on every scan."""
    return f"evt_{time.time_ns() // 1_000_000:012x}{random.getrandbits(48):012x}"




def store_event(ctx: RequestContext, name: str, data: dict[str, Any]) -> str:
    """Store one event in the caller's transaction whoever subscribes, for a caller that chooses
    its endpoint itself (a ping); returns its id."""
    return _store([(ctx, name, data)])[0]


def write_events(entries: Sequence[tuple[RequestContext, str, dict[str, Any]]]) -> list[str | None]:
    """Store the events some enabled endpoint subscribes to, each body once, in the caller's
    transaction, with a delivery for every such endpoint (hooks.event_writer); returns the event
    ids in order, None for an event nobody subscribes to.

    An event no endpoint wants is not stored: events are only read to be delivered, and every
    scan would otherwise keep a body nobody reads (a third of a scan's work in the writer).
    All rows go in with one statement: a batch of scans writes one event each.
    """
    endpoints = subscribers([(ctx, name) for ctx, name, _ in entries])
    wanted = [(entry, ids) for entry, ids in zip(entries, endpoints, strict=True) if ids]
    if not wanted:
        return [None] * len(entries)
    stored = _store([entry for entry, _ in wanted])
    fan_out([(ctx, event_id, name, ids) for ((ctx, name, _), ids), event_id in zip(wanted, stored, strict=True)])
    found = iter(stored)
    return [next(found) if ids else None for ids in endpoints]


def _store(entries: Sequence[tuple[RequestContext, str, dict[str, Any]]]) -> list[str]:
    created_at = entries[0][0].now()
    stamp, shown = db.bound_datetime(created_at), json_datetime(created_at)
    rows = []
    for ctx, name, data in entries:
        principal = ctx.require_principal()
        event_id = new_event_id()
        body = dumps({
            "id": event_id,
            "event": name,
            "created_at": shown,
            "environment": "sandbox" if principal.is_sandbox else "live",
            "data": data,
        })
        rows.append((event_id, principal.workspace_id, principal.is_sandbox, name, body, PENDING, stamp, ctx.trace_id))
    run_many(INSERT_EVENT, rows)
    return [row[0] for row in rows]


def event_payload(event: Event) -> dict[str, Any]:
    return json.loads(bytes(event.body))
