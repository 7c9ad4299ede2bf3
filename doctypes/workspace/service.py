"""Workspace life cycle: create (with both key pairs), freeze, unfreeze, change plan."""

from __future__ import annotations

from typing import Any

from doctypes.api_key import service as api_keys
from doctypes.plan.service import get_plan
from traciqo_rpc import errors
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext

from .model import ACTIVE, FROZEN, Workspace


class WorkspaceNameInvalid(errors.ValidationError):
    """A workspace name must be 1 to 140 characters."""


class WorkspaceExists(errors.DuplicateEntryError):
    """A workspace of that name exists already."""


class WorkspaceNotFound(errors.DoesNotExistError):
    """No workspace of that name."""


def create_workspace(ctx: RequestContext, name: str, plan: str = "starter") -> dict[str, Any]:
    """A new workspace with its live and sandbox key pairs; the secrets are returned only here."""
    name = name.strip()
    if not name or len(name) > 140:
        raise WorkspaceNameInvalid("Workspace name must be 1 to 140 characters", field_errors={"name": ["Length must be between 1 and 140."]})
    plan_row = get_plan(plan)
    if Workspace.select().where(Workspace.name == name).exists():
        raise WorkspaceExists(f"Workspace {name!r} already exists")
    workspace = Workspace.create(name=name, plan=plan_row.name)
    return {
        "workspace": workspace.name,
        "plan": plan_row.name,
        "live": api_keys.issue_key(workspace.id, is_sandbox=False),
        "sandbox": api_keys.issue_key(workspace.id, is_sandbox=True),
    }


def get_workspace(name: str) -> Workspace:
    workspace = Workspace.get_or_none(Workspace.name == name)
    if workspace is None:
        raise WorkspaceNotFound(f"Workspace {name!r} does not exist")
    return workspace


def set_status(ctx: RequestContext, name: str, frozen: bool) -> dict[str, Any]:
    workspace = get_workspace(name)
    workspace.status = FROZEN if frozen else ACTIVE
    workspace.save(only=[Workspace.status])
    invalidate_after_commit(ctx)
    return {"workspace": workspace.name, "status": workspace.status}


def change_plan(ctx: RequestContext, name: str, plan: str) -> dict[str, Any]:
    workspace = get_workspace(name)
    workspace.plan = get_plan(plan).name
    workspace.save(only=[Workspace.plan])
    invalidate_after_commit(ctx)
    return {"workspace": workspace.name, "plan": workspace.plan}
