"""Issuing, loading and rotating API keys."""

from __future__ import annotations

import secrets
from typing import Any

from doctypes.plan.model import Plan
from doctypes.workspace.model import ACTIVE, Workspace
from traciqo_rpc import errors
from traciqo_rpc.auth import hash_secret, new_secret
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal

from .model import ApiKey


class ApiKeyNotFound(errors.DoesNotExistError):
    """The workspace has no key for the environment asked for."""


def new_key_id(is_sandbox: bool) -> str:
    return f"tq_{'test' if is_sandbox else 'live'}_{secrets.token_hex(12)}"


def issue_key(workspace_id: int, is_sandbox: bool) -> dict[str, str]:
    """Create the workspace's key for one environment; the secret is returned only now."""
    secret = new_secret()
    key = ApiKey.create(
        workspace_id=workspace_id,
        is_sandbox=is_sandbox,
        api_key=new_key_id(is_sandbox),
        secret_hash=hash_secret(secret),
    )
    return {"api_key": key.api_key, "api_secret": secret}


def load_principal(api_key: str) -> Principal | None:
    """hooks.principal_loader: the key with its workspace and plan, in one query."""
    row = (
        ApiKey.select(
            ApiKey.id, ApiKey.api_key, ApiKey.secret_hash, ApiKey.is_sandbox, ApiKey.workspace_id,
            Workspace.name.alias("workspace_name"), Workspace.status,
            Plan.name.alias("plan"), Plan.api_access, Plan.rate_limit_per_minute,
        )
        .join(Workspace, on=(ApiKey.workspace_id == Workspace.id))
        .join(Plan, on=(Workspace.plan == Plan.name))
        .where(ApiKey.api_key == api_key)
        .dicts()
        .first()
    )
    if row is None:
        return None
    return Principal(
        api_key_id=row["id"],
        api_key=row["api_key"],
        secret_hash=row["secret_hash"],
        workspace_id=row["workspace_id"],
        workspace_name=row["workspace_name"],
        is_sandbox=bool(row["is_sandbox"]),
        workspace_active=row["status"] == ACTIVE,
        plan=row["plan"],
        api_access=bool(row["api_access"]),
        rate_limit_per_minute=row["rate_limit_per_minute"],
    )


def rotate_secret(ctx: RequestContext) -> dict[str, Any]:
    """A new secret for the key of the caller's environment; the old one stops working at once."""
    key = ApiKey.scoped(ctx).first()
    if key is None:
        raise ApiKeyNotFound("This workspace has no key for the environment")
    secret = new_secret()
    key.secret_hash = hash_secret(secret)
    key.rotated_at = ctx.now()
    key.save(only=[ApiKey.secret_hash, ApiKey.rotated_at])
    invalidate_after_commit(ctx)
    return {
        "api_key": key.api_key,
        "api_secret": secret,
        "environment": ctx.environment,
        "rotated_at": key.rotated_at,
    }
