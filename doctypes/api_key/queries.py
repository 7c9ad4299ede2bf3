"""When each key was last used, from the usage counts (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import unscoped

MARK_USED = unscoped("UPDATE api_key SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                     why="the keys whose calls the usage log just counted, by id")
