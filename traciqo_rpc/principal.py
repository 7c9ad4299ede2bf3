"""The authenticated caller: a snapshot of one API key, its workspace and its plan."""

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

    @property
    def environment(self) -> str:
        return "sandbox" if self.is_sandbox else "live"

    @classmethod
    def system(cls, workspace_id: int, is_sandbox: bool) -> Principal:
        """The system acting on a workspace's behalf (jobs, CLI, a guest's scan): no key, no limits."""
        return _system(workspace_id, is_sandbox)

    def forced_to_sandbox(self) -> Principal:
        return self if self.is_sandbox else replace(self, is_sandbox=True)


@functools.lru_cache(maxsize=4096)
def _system(workspace_id: int, is_sandbox: bool) -> Principal:
    # Immutable, so one per workspace and environment serves every scan that acts for it.
    return Principal(0, "system", "", workspace_id, "", is_sandbox, True, "", True, 0)
