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

# Retention (doctypes/event/retention.py) is one job for every workspace: it picks rows by status
# and age, never by who owns them. A finished delivery's next_attempt_at is when its last attempt
# was due (at most a retry's wait after it finished, for one cancelled with its endpoint), so the
# sweeper's (status, next_attempt_at) index finds the old ones as a range.
FINISHED_BEFORE = unscoped("""
SELECT id FROM delivery WHERE status = ? AND next_attempt_at < ? AND completed_at < ? LIMIT ?""",
    why="retention deletes every workspace's rows past their keeping time, by status and age")
# The status is checked again: a redelivery may have made it pending since it was read.
DELETE_FINISHED = unscoped("""
DELETE FROM delivery WHERE id IN ({values}) AND status = ? AND completed_at < ? RETURNING id, event_id""",
    why="retention deletes the deliveries FINISHED_BEFORE found, by id")
DELETE_ATTEMPTS = unscoped("DELETE FROM delivery_attempt WHERE delivery_id IN ({values})",
                           why="retention deletes the attempts of the deliveries it deleted")
