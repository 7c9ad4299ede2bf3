"""Framework methods every deployment has."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .context import RequestContext
from .registry import whitelist


class Caller(Schema):
    """Who the credentials say is calling."""

    workspace = fields.String(required=True)
    environment = fields.String(required=True, validate=validate.OneOf(["live", "sandbox"]))
    api_key = fields.String(required=True)


@whitelist(methods=["GET", "POST"], allow_guest=True, blocking=False,
           returns=fields.String(validate=validate.Equal("pong")))
def ping(ctx: RequestContext) -> str:
    """Liveness through the whole dispatcher."""
    return "pong"


@whitelist(methods=["GET", "POST"], blocking=False, returns=Caller)
def whoami(ctx: RequestContext) -> dict:
    """The workspace, environment and key the credentials resolve to."""
    principal = ctx.require_principal()
    return {"workspace": principal.workspace_name, "environment": principal.environment, "api_key": principal.api_key}
