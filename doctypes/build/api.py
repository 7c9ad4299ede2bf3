"""Build methods (Racko's builds): plan from a BOM, check availability, complete (components
consumed and units produced in one transaction) or cancel."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import completion, service
from .schema import (
    BuildCompleted,
    BuildInfo,
    BuildPage,
    BuildPlan,
    BuildRefArgs,
    CancelBuildArgs,
    CompleteBuildArgs,
    CreateBuildArgs,
    ListBuildsArgs,
    PlanBuildArgs,
)


@whitelist(methods=["GET", "POST"], schema=PlanBuildArgs, returns=BuildPlan, transaction=False)
def plan_build(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """What a build would need, available and short in the warehouse; nothing is saved."""
    return service.plan_build(ctx, **args)


@whitelist(methods=["POST"], schema=CreateBuildArgs, returns=BuildInfo)
def create_build(ctx: RequestContext, **args: Any) -> dict[str, Any]:
    """A planned build of the item's default BOM (or `bom`), its requirements fixed and its BOMs locked."""
    return service.create_build(ctx, **args)


@whitelist(methods=["GET"], schema=BuildRefArgs, returns=BuildInfo)
def get_build(ctx: RequestContext, build: str) -> dict[str, Any]:
    """One build; while planned, each requirement with what is available and short now."""
    return service.get_build(ctx, build)


@whitelist(methods=["GET"], schema=ListBuildsArgs, returns=BuildPage)
def list_builds(ctx: RequestContext, limit: int, offset: int, status: str | None = None,
                item: str | None = None) -> dict[str, Any]:
    """Builds, newest first, by status or item."""
    return service.list_builds(ctx, limit, offset, status, item)


@whitelist(methods=["POST"], schema=CompleteBuildArgs, returns=BuildCompleted)
def complete_build(ctx: RequestContext, build: str, components: dict[str, list[str]], reason: str) -> dict[str, Any]:
    """Consume the components and produce the units (serial numbers, codes) at once; 417 names every shortfall."""
    return completion.complete_build(ctx, build, components, reason)


@whitelist(methods=["POST"], schema=CancelBuildArgs, returns=BuildInfo)
def cancel_build(ctx: RequestContext, build: str, reason: str) -> dict[str, Any]:
    """A planned build that will not be made."""
    return service.cancel_build(ctx, build, reason)
