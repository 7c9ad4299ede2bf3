"""Domain changes become named events through hooks.doc_events, written to the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .context import RequestContext


def publish(ctx: RequestContext, change: str, data: dict[str, Any]) -> str | None:
    """Record `change` (e.g. "scan:captured") as its event, in the caller's transaction.

    Returns the event id, or None when hooks.doc_events maps the change to no event or the
    event writer kept none (the outbox keeps only events some endpoint subscribes to).
    """
    return publish_many([(ctx, change, data)])[0]


def publish_many(changes: Sequence[tuple[RequestContext, str, dict[str, Any]]]) -> list[str | None]:
    """Record several changes at once (one statement for all their event rows); ids in order,
    None where no event was kept (see publish)."""
    if not changes:
        return []
    services = changes[0][0].services
    names = [services.doc_events.get(change) for _, change, _ in changes]
    wanted = [(ctx, name, data) for (ctx, _, data), name in zip(changes, names, strict=True) if name is not None]
    if not wanted or services.event_writer is None:
        return [None] * len(changes)
    written = iter(services.event_writer(wanted))
    return [None if name is None else next(written) for name in names]


def event_names(ctx: RequestContext) -> list[str]:
    """Every event name a workspace can subscribe to."""
    return sorted(set(ctx.services.doc_events.values()))
