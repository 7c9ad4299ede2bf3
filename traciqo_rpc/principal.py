"""The authenticated caller: a snapshot of one API key (or one signed-in person's session), its
workspace and its plan, and what it may do (`rights`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Principal:
    api_key_id: int
    api_key: str
    secret_hash: str
    workspace_id: int
    workspace_name: str
    is_sandbox: bool
    workspace_active: bool
    plan: str
    api_access: bool
    rate_limit_per_minute: int
    scopes: frozenset[str] = frozenset({"read", "write"})
    key_name: str = ""  # the key's name, as frappe.auth.get_logged_user answers it
    # What the caller may do, each method naming the right it needs (registry.RIGHTS). A key's
    # follow from its scopes; a person's from their role in the workspace.
    rights: frozenset[str] = frozenset()
    user_id: int = 0  # a signed-in person (a dashboard session); 0 for an API key
    user_email: str = ""
    role: str = ""
    session_id: int = 0  # the session a person signed in with
    csrf_token: str = ""  # that session's CSRF token, for the pages' forms

    def __post_init__(self) -> None:
        if not self.rights:
            object.__setattr__(self, "rights", rights_of_scopes(self.scopes))

    @property
    def is_person(self) -> bool:
        return self.user_id != 0

    @property
    def environment(self) -> str:
        return "sandbox" if self.is_sandbox else "live"

    @classmethod
    def system(cls, workspace_id: int, is_sandbox: bool) -> Principal:
        """The system acting on a workspace's behalf (jobs, CLI, a guest's scan): no key, no limits."""
        return _system(workspace_id, is_sandbox)

    def forced_to_sandbox(self) -> Principal:
        return self if self.is_sandbox else replace(self, is_sandbox=True)


# A key with the write scope manages keys and webhooks too (as before people had roles);
# members and the plan are a person's business.
KEY_SCOPE_RIGHTS = {"read": frozenset({"read"}), "write": frozenset({"write", "keys", "webhooks"})}


@functools.lru_cache(maxsize=64)
def rights_of_scopes(scopes: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(KEY_SCOPE_RIGHTS.get(scope, frozenset()) for scope in scopes))


@functools.lru_cache(maxsize=4096)
def _system(workspace_id: int, is_sandbox: bool) -> Principal:
    # Immutable, so one per workspace and environment serves every scan that acts for it.
    return Principal(0, "system", "", workspace_id, "", is_sandbox, True, "", True, 0)
