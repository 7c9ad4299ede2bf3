"""Every subscribed event is one of these rows (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import insert

INSERT_EVENT = insert("INSERT INTO event (id, workspace_id, is_sandbox, name, body, status, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)")
