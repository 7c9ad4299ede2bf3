"""Every subscribed event is one of these rows (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import insert, unscoped

INSERT_EVENT = insert("INSERT INTO event (id, workspace_id, is_sandbox, name, body, status, created_at, trace_id) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")

# Retention (retention.py): an event goes with the last of its deliveries, never before.
DELETE_WITHOUT_DELIVERIES = unscoped("""
DELETE FROM event WHERE id IN ({values}) AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.event_id = event.id)""",
    why="retention deletes the events of the deliveries it deleted, by id")
