"""BOM methods (Racko's boms): versions of what an item is made of, and their explosion."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    BomInfo,
    BomPage,
    BomRefArgs,
    CreateBomArgs,
    ExplodeArgs,
    Explosion,
    ListBomsArgs,
    UpdateBomArgs,
)


@whitelist(methods=["POST"], schema=CreateBomArgs, returns=BomInfo)
def create_bom(ctx: RequestContext, item: str, lines: list[dict[str, Any]], note: str,
               make_default: bool) -> dict[str, Any]:
    """The item's next version (its default unless make_default is false); 417 for a cycle."""
    return service.create_bom(ctx, item, lines, note, make_default)


@whitelist(methods=["GET"], schema=BomRefArgs, returns=BomInfo)
def get_bom(ctx: RequestContext, bom: str) -> dict[str, Any]:
    """One version with its lines."""
    return service.get_bom(ctx, bom)


@whitelist(methods=["GET"], schema=ListBomsArgs, returns=BomPage)
def list_boms(ctx: RequestContext, limit: int, offset: int, default_only: bool, item: str | None = None) -> dict[str, Any]:
    """BOMs newest first, or one item's versions."""
    return service.list_boms(ctx, limit, offset, item, default_only)


@whitelist(methods=["POST"], schema=UpdateBomArgs, returns=BomInfo)
def update_bom(ctx: RequestContext, bom: str, lines: list[dict[str, Any]] | None = None,
               note: str | None = None) -> dict[str, Any]:
    """Change a version no build has used; a used one is locked (417): create a new version."""
    return service.update_bom(ctx, bom, lines, note)


@whitelist(methods=["POST"], schema=BomRefArgs, returns=BomInfo)
def set_default_bom(ctx: RequestContext, bom: str) -> dict[str, Any]:
    """Make this version the one builds and parents' explosions use."""
    return service.set_default_bom(ctx, bom)


@whitelist(methods=["GET"], schema=ExplodeArgs, returns=Explosion)
def explode_bom(ctx: RequestContext, quantity: int, item: str | None = None, bom: str | None = None) -> dict[str, Any]:
    """Every level for `quantity` of the item: the tree, and the requirements per level, at the top and the leaves."""
    return service.explode_bom(ctx, quantity, item, bom)
