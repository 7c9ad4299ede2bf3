"""The statements every event and every attempt makes (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import insert, tenant, unscoped

SUBSCRIBED = tenant("SELECT id, events FROM webhook_endpoint WHERE {scope} AND enabled = ?")
INSERT_DELIVERY = insert("""
INSERT INTO delivery (id, workspace_id, is_sandbox, event_id, event_name, endpoint_id, status, attempts,
                      next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
LEASE = unscoped("""
UPDATE delivery SET leased_until = ?
WHERE id = ? AND status = ? AND next_attempt_at <= ? AND (leased_until IS NULL OR leased_until < ?)""",
    why="a job takes the delivery it was queued for, by id")
