"""What each role in a workspace may do: the rights methods name (traciqo_rpc/registry.py)."""

from __future__ import annotations

OWNER, ADMIN, DEVELOPER, OPERATOR, VIEWER = "owner", "admin", "developer", "operator", "viewer"
ROLES = (OWNER, ADMIN, DEVELOPER, OPERATOR, VIEWER)

ROLE_RIGHTS: dict[str, frozenset[str]] = {
    # everything, the plan, the members and the workspace itself included
    OWNER: frozenset({"read", "write", "keys", "webhooks", "members", "plan"}),
    ADMIN: frozenset({"read", "write", "keys", "webhooks"}),  # all but those
    DEVELOPER: frozenset({"read", "keys", "webhooks"}),  # integrations, and read everything
    OPERATOR: frozenset({"read", "write"}),  # the business data; no keys or webhooks
    VIEWER: frozenset({"read"}),
}


def key_scopes(role: str) -> frozenset[str]:
    """The scopes a person may give a key: never more than they may do themselves."""
    return frozenset({"read", "write"} & ROLE_RIGHTS[role])
