"""Key management and usage, callable with the key itself."""

from __future__ import annotations

from typing import Any

from doctypes.api_request_log.service import usage_summary
from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import UsageArgs


@whitelist(methods=["POST"])
def rotate_api_secret(ctx: RequestContext) -> dict[str, Any]:
    """Issue a new secret for the caller's environment; the previous one is refused from now on."""
    return service.rotate_secret(ctx)


@whitelist(methods=["GET"], schema=UsageArgs, transaction=True)
def get_api_usage(ctx: RequestContext, days: int, limit: int) -> dict[str, Any]:
    """Request counts (today, 7 and 30 days, per day, method, status) and recent calls."""
    return usage_summary(ctx, days=days, limit=limit)
