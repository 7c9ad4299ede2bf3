"""Tracker templates: the ordered steps a tracker starts with (Tracee's process templates)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    AddStepArgs,
    CreateTemplateArgs,
    MoveStepArgs,
    StepRefArgs,
    TemplateDeleted,
    TemplateInfo,
    TemplateRefArgs,
    UpdateStepArgs,
    UpdateTemplateArgs,
)


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
    """A template of the workspace's own: ordered steps, each `name` and `visible` (false: internal),
    or just names (a form's text: one a line)."""
    return service.create_template(ctx, slug, name, steps, strict_order)


@whitelist(methods=["POST"], schema=UpdateTemplateArgs, returns=TemplateInfo)
def update_template(ctx: RequestContext, slug: str, **changes: Any) -> dict[str, Any]:
    """Change the workspace's own template; trackers already made from it keep their steps."""
    return service.update_template(ctx, slug, **changes)


@whitelist(methods=["POST", "DELETE"], schema=TemplateRefArgs, returns=TemplateDeleted)
def delete_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    """Delete the workspace's own template; trackers made from it keep their steps."""
    return service.delete_template(ctx, slug)


@whitelist(methods=["POST"], schema=AddStepArgs, returns=TemplateInfo)
def add_step(ctx: RequestContext, slug: str, name: str, visible: bool) -> dict[str, Any]:
    """A new last step of the workspace's own template."""
    return service.add_step(ctx, slug, name, visible)


@whitelist(methods=["POST"], schema=StepRefArgs, returns=TemplateInfo)
def remove_step(ctx: RequestContext, slug: str, step: str) -> dict[str, Any]:
    """Remove a step (by name) of the workspace's own template; its only step stays."""
    return service.remove_step(ctx, slug, step)


@whitelist(methods=["POST"], schema=MoveStepArgs, returns=TemplateInfo)
def move_step(ctx: RequestContext, slug: str, step: str, direction: str) -> dict[str, Any]:
    """Move a step one place up or down in the workspace's own template."""
    return service.move_step(ctx, slug, step, direction)


@whitelist(methods=["POST"], schema=UpdateStepArgs, returns=TemplateInfo)
def update_step(ctx: RequestContext, slug: str, step: str, visible: bool) -> dict[str, Any]:
    """Make a step internal (visible false) or shown to customers again."""
    return service.update_step(ctx, slug, step, visible)
