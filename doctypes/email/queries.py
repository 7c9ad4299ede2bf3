"""Every activation queues its confirmation with this (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import insert

QUEUE = insert("""
INSERT INTO email_message (workspace_id, is_sandbox, "to", subject, body, kind, send_after, status, attempts,
                           created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)""")
