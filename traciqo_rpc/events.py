"""Domain changes become named events through hooks.doc_events, written to the outbox."""

from __future__ import annotations

from typing import Any

from . import runtime
from .context import RequestContext


def publish(ctx: RequestContext, change: str, data: dict[str, Any]) -> str | None:
    """Record `change` (e.g. "scan:captured") as its event, in the caller's transaction.

    Returns the event id, or None when hooks.doc_events maps the change to no event.
    """
    wired = runtime.get().wiring
    name = wired.doc_events.get(change)
    if name is None or wired.event_writer is None:
        return None
    return wired.event_writer(ctx, name, data)


def event_names() -> list[str]:
    """Every event name a workspace can subscribe to."""
    return sorted(set(runtime.get().wiring.doc_events.values()))
