"""A signed-in person's session, read on every dashboard page and every call a cookie makes
(see traciqo_rpc/statements.py): written by hand, as peewee took most of a page's time building
this five-table join."""

from __future__ import annotations

from typing import Any, NamedTuple

from traciqo_rpc.statements import unscoped


class LoadedSession(NamedTuple):
    id: int
    user_id: int
    workspace_id: int
    is_sandbox: bool
    csrf_token: str
    email: str
    role: str
    workspace_name: str
    workspace_status: str
    plan: str
    api_access: bool
    rate_limit_per_minute: int
    expires_at: Any


_SESSION = """
SELECT s.id, s.user_id, s.workspace_id, s.is_sandbox, s.csrf_token, u.email, m.role, w.name, w.status,
       p.name, p.api_access, p.rate_limit_per_minute, s.expires_at
FROM "session" AS s
JOIN user_account AS u ON u.id = s.user_id
JOIN membership AS m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id
JOIN workspace AS w ON w.id = s.workspace_id
JOIN plan AS p ON p.name = w.plan
WHERE {which} AND s.expires_at > ?"""

SESSION_BY_TOKEN = unscoped(_SESSION.format(which="s.token_hash = ?"), row=LoadedSession,
                            why="a session by its token's hash (unguessable): the session names its workspace")
SESSION_BY_ID = unscoped(_SESSION.format(which="s.id = ?"), row=LoadedSession,
                         why="the signed-in person's own session, by the id their principal carries")
