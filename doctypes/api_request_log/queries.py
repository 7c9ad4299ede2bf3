"""The usage counts every process adds up (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import insert

# Another process may have counted the same minute: add to its count.
UPSERT_COUNT = insert("""
INSERT INTO api_usage (workspace_id, is_sandbox, minute, api_key_id, method, http_method, status, calls, total_ms)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (workspace_id, is_sandbox, minute, api_key_id, method, http_method, status)
DO UPDATE SET calls = api_usage.calls + excluded.calls, total_ms = api_usage.total_ms + excluded.total_ms""")
