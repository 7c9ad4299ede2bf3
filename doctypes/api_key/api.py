"""Key management and usage, callable with the key itself."""

from __future__ import annotations

from typing import Any

from doctypes.api_request_log.service import usage_summary
from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import ApiUsage, CreateKeyArgs, IssuedKey, KeyInfo, KeyRefArgs, RotateKeyArgs, UsageArgs


@whitelist(methods=["POST"], returns=IssuedKey, right="keys")
def rotate_api_secret(ctx: RequestContext) -> dict[str, Any]:
    """Issue a new secret for the calling key; the previous one is refused from now on."""
    return service.rotate_secret(ctx)


@whitelist(methods=["POST"], schema=CreateKeyArgs, returns=IssuedKey, right="keys")
def create_api_key(ctx: RequestContext, name: str, scopes: list[str]) -> dict[str, Any]:
    """A named key in the caller's environment, with `read` and/or `write`; the secret is shown once."""
    return service.create_key(ctx, name, scopes)


@whitelist(methods=["GET"], returns=KeyInfo(many=True), right="keys")
def list_api_keys(ctx: RequestContext) -> list[dict[str, Any]]:
    """The environment's keys, revoked ones too, with their scopes and last use (never a secret)."""
    return service.list_keys(ctx)


@whitelist(methods=["POST"], schema=RotateKeyArgs, returns=IssuedKey, right="keys")
def rotate_api_key(ctx: RequestContext, api_key: str | None) -> dict[str, Any]:
    """A new secret for a key of the caller's environment (the calling key's without `api_key`)."""
    return service.rotate_secret(ctx, api_key)


@whitelist(methods=["POST"], schema=KeyRefArgs, returns=KeyInfo, right="keys")
def revoke_api_key(ctx: RequestContext, api_key: str) -> dict[str, Any]:
    """Refuse a named key from now on (401); the default key is rotated instead."""
    return service.revoke_key(ctx, api_key)


@whitelist(methods=["GET"], schema=UsageArgs, transaction=True, right="read", returns=ApiUsage)
def get_api_usage(ctx: RequestContext, days: int, limit: int) -> dict[str, Any]:
    """Request counts (today, 7 and 30 days, per day, method, status) and recent calls."""
    return usage_summary(ctx, days=days, limit=limit)
