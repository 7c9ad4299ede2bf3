"""Framework methods every deployment has."""

from __future__ import annotations

from .context import RequestContext
from .registry import whitelist


@whitelist(methods=["GET", "POST"], allow_guest=True, blocking=False)
def ping(ctx: RequestContext) -> str:
    """Liveness through the whole dispatcher."""
    return "pong"


@whitelist(methods=["GET", "POST"], blocking=False)
def whoami(ctx: RequestContext) -> dict:
    """The workspace, environment and key the credentials resolve to."""
    principal = ctx.require_principal()
    return {"workspace": principal.workspace_name, "environment": principal.environment, "api_key": principal.api_key}
