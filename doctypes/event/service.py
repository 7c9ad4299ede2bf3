"""Writing events to the outbox (hooks.event_writer) and reading them back."""

from __future__ import annotations

import json
import secrets
from typing import Any

from traciqo_rpc.context import RequestContext
from traciqo_rpc.db import utcnow
from traciqo_rpc.rendering import dumps

from .model import Event


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


def write_event(ctx: RequestContext, name: str, data: dict[str, Any]) -> str:
    """Store the event body once, in the caller's transaction; returns the event id."""
    event_id = new_event_id()
    created_at = utcnow()
    body = dumps({
        "id": event_id,
        "event": name,
        "created_at": created_at,
        "environment": ctx.environment,
        "data": data,
    })
    Event.insert(id=event_id, name=name, body=body, created_at=created_at, **Event.scope_values(ctx)).execute()
    return event_id


def event_payload(event: Event) -> dict[str, Any]:
    return json.loads(bytes(event.body))
