"""API keys: issuing, naming, scoping, loading, rotating and revoking them."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from doctypes.plan.model import Plan
from doctypes.workspace.model import ACTIVE, Workspace
from traciqo_rpc import errors
from traciqo_rpc.auth import hash_secret, new_secret
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal

from .model import DEFAULT_NAME, SCOPES, ApiKey


class ApiKeyNotFound(errors.DoesNotExistError):
    """No such key in the caller's workspace and environment."""


class ApiKeyNameTaken(errors.DuplicateEntryError):
    """Another key of the environment has that name."""


class DefaultKeyNotRevocable(errors.ValidationError):
    """The default key is rotated, never revoked: a workspace always keeps one way in."""


class TooManyApiKeys(errors.LimitExceeded):
    """An environment holds at most MAX_KEYS keys."""


MAX_KEYS = 50  # per workspace and environment, revoked ones included


def new_key_id(is_sandbox: bool) -> str:
    return f"tq_{'test' if is_sandbox else 'live'}_{secrets.token_hex(12)}"


def issue_key(workspace_id: int, is_sandbox: bool) -> dict[str, str]:
    """Create the workspace's default key for one environment; the secret is returned only now."""
    secret = new_secret()
    key = ApiKey.create(
        workspace_id=workspace_id,
        is_sandbox=is_sandbox,
        api_key=new_key_id(is_sandbox),
        secret_hash=hash_secret(secret),
    )
    return {"api_key": key.api_key, "api_secret": secret}


def shown_once(secret: str) -> dict[str, str]:
    """A new secret as issued, and base64-encoded as Racko's dashboard shows secrets (its
    clients decode it and send the secret as issued in RACKO-SECRET)."""
    return {"api_secret": secret, "racko_secret": base64.b64encode(secret.encode()).decode()}


def create_key(ctx: RequestContext, name: str, scopes: list[str]) -> dict[str, Any]:
    """A new named key in the caller's environment; its secret is shown only now."""
    if not frozenset(scopes) <= ctx.require_principal().scopes:
        raise errors.KeyScopeMissing("A key cannot issue a key with scopes it does not hold")
    if ApiKey.scoped(ctx).count() >= MAX_KEYS:
        raise TooManyApiKeys(f"An environment holds at most {MAX_KEYS} keys; revoke one first")
    if name == DEFAULT_NAME or ApiKey.scoped(ctx).where(ApiKey.name == name).exists():
        raise ApiKeyNameTaken(f"A key named {name!r} exists in this environment")
    secret = new_secret()
    key = ApiKey.create(api_key=new_key_id(ctx.is_sandbox), secret_hash=hash_secret(secret), name=name,
                        scopes=",".join(scope for scope in SCOPES if scope in scopes), **ApiKey.scope_values(ctx))
    return {**key_dict(ctx, key), **shown_once(secret)}


def key_dict(ctx: RequestContext, key: ApiKey) -> dict[str, Any]:
    """A key as listed: never its secret."""
    return {"api_key": key.api_key, "name": key.name, "scopes": key.scopes.split(","),
            "environment": ctx.environment, "default": key.name == DEFAULT_NAME, "created_at": key.created_at,
            "rotated_at": key.rotated_at, "last_used_at": key.last_used_at, "revoked_at": key.revoked_at}


def list_keys(ctx: RequestContext) -> list[dict[str, Any]]:
    return [key_dict(ctx, key) for key in ApiKey.scoped(ctx).order_by(ApiKey.created_at, ApiKey.id)]


def find_key(ctx: RequestContext, api_key: str | None) -> ApiKey:
    """The named key of the caller's environment, else the caller's own; the environment's default
    key when the caller has none in it (the CLI, or a live key forced into the sandbox)."""
    query = ApiKey.scoped(ctx).where(ApiKey.revoked_at.is_null())
    principal = ctx.require_principal()
    if api_key is not None:
        key = query.where(ApiKey.api_key == api_key).first()
    else:
        key = query.where(ApiKey.id == principal.api_key_id).first() if principal.api_key_id else None
        key = key or query.where(ApiKey.name == DEFAULT_NAME).first()
    if key is None:
        raise ApiKeyNotFound(f"No key {api_key} in the {ctx.environment} environment" if api_key
                             else f"This workspace has no key for the {ctx.environment} environment")
    if not frozenset(key.scopes.split(",")) <= principal.scopes:
        # A narrower key must not reach a wider one's secret (nor take it away).
        raise errors.KeyScopeMissing("A key manages only keys whose scopes it holds itself")
    return key


def revoke_key(ctx: RequestContext, api_key: str) -> dict[str, Any]:
    """Refuse the key from now on, in every process (the caches are told after commit)."""
    key = find_key(ctx, api_key)
    if key.name == DEFAULT_NAME:
        raise DefaultKeyNotRevocable("The default key cannot be revoked; rotate its secret instead",
                                     field_errors={"api_key": ["The default key is rotated, not revoked."]})
    key.revoked_at = ctx.now()
    key.save(only=[ApiKey.revoked_at])
    invalidate_after_commit(ctx)
    return key_dict(ctx, key)


def load_principal(api_key: str) -> Principal | None:
    """hooks.principal_loader: the key with its workspace and plan, in one query."""
    row = (
        ApiKey.select(
            ApiKey.id, ApiKey.api_key, ApiKey.secret_hash, ApiKey.is_sandbox, ApiKey.workspace_id, ApiKey.scopes,
            ApiKey.name,
            Workspace.name.alias("workspace_name"), Workspace.status,
            Plan.name.alias("plan"), Plan.api_access, Plan.rate_limit_per_minute,
        )
        .join(Workspace, on=(ApiKey.workspace_id == Workspace.id))
        .join(Plan, on=(Workspace.plan == Plan.name))
        .where((ApiKey.api_key == api_key) & ApiKey.revoked_at.is_null())
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
        scopes=frozenset(row["scopes"].split(",")),
        key_name=row["name"],
    )


def rotate_secret(ctx: RequestContext, api_key: str | None = None) -> dict[str, Any]:
    """A new secret for a key of the caller's environment (the caller's own by default); the
    old one stops working at once."""
    key = find_key(ctx, api_key)
    secret = new_secret()
    key.secret_hash = hash_secret(secret)
    key.rotated_at = ctx.now()
    key.save(only=[ApiKey.secret_hash, ApiKey.rotated_at])
    invalidate_after_commit(ctx)
    return {**key_dict(ctx, key), **shown_once(secret)}
