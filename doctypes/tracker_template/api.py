"""Tracker templates: the ordered steps a tracker starts with (Tracee's process templates)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import CreateTemplateArgs, TemplateDeleted, TemplateInfo, TemplateRefArgs, UpdateTemplateArgs


@whitelist(methods=["GET"], returns=TemplateInfo(many=True))
def list_templates(ctx: RequestContext) -> list[dict[str, Any]]:
    """The shared templates and the workspace's own (its own win on a slug), by slug."""
    return service.list_templates(ctx)


@whitelist(methods=["GET"], schema=TemplateRefArgs, returns=TemplateInfo)
def get_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    return service.get_template(ctx, slug)


@whitelist(methods=["POST"], schema=CreateTemplateArgs, returns=TemplateInfo)
def create_template(ctx: RequestContext, slug: str, name: str, steps: list[dict[str, Any]],
                    strict_order: bool) -> dict[str, Any]:
    """A template of the workspace's own: ordered steps, each `name` and `visible` (false: internal)."""
    return service.create_template(ctx, slug, name, steps, strict_order)


@whitelist(methods=["POST"], schema=UpdateTemplateArgs, returns=TemplateInfo)
def update_template(ctx: RequestContext, slug: str, **changes: Any) -> dict[str, Any]:
    """Change the workspace's own template; trackers already made from it keep their steps."""
    return service.update_template(ctx, slug, **changes)


@whitelist(methods=["POST", "DELETE"], schema=TemplateRefArgs, returns=TemplateDeleted)
def delete_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    """Delete the workspace's own template; trackers made from it keep their steps."""
    return service.delete_template(ctx, slug)
