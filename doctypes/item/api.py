"""Item methods: what the stock ledger counts (Racko's items), named by id or SKU."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import CreateItemArgs, ItemInfo, ItemPage, ItemRefArgs, ListItemsArgs, UpdateItemArgs


@whitelist(methods=["POST"], schema=CreateItemArgs, returns=ItemInfo)
def create_item(ctx: RequestContext, sku: str, name: str, **values: Any) -> dict[str, Any]:
    """A new item; 409 if the SKU is taken."""
    return service.create_item(ctx, sku, name, **values)


@whitelist(methods=["GET"], schema=ItemRefArgs, returns=ItemInfo)
def get_item(ctx: RequestContext, item: str) -> dict[str, Any]:
    """One item by id or SKU."""
    return service.get_item(ctx, item)


@whitelist(methods=["GET"], schema=ListItemsArgs, returns=ItemPage)
def list_items(ctx: RequestContext, limit: int, offset: int, order: str, search: str | None = None,
               tracking: str | None = None, active: bool | None = None) -> dict[str, Any]:
    """Items by SKU (or `order`), optionally by a part of the SKU or name, tracking or `active`."""
    return service.list_items(ctx, limit, offset, search, tracking, active, order)


@whitelist(methods=["POST"], schema=UpdateItemArgs, returns=ItemInfo)
def update_item(ctx: RequestContext, item: str, **changes: Any) -> dict[str, Any]:
    """Change the fields sent; the SKU stays."""
    return service.update_item(ctx, item, **changes)


@whitelist(methods=["POST"], schema=ItemRefArgs, returns=ItemInfo)
def deactivate_item(ctx: RequestContext, item: str) -> dict[str, Any]:
    """Stock moves refuse the item (403 inactive) until it is activated; it is still read and listed."""
    return service.set_active(ctx, item, False)


@whitelist(methods=["POST"], schema=ItemRefArgs, returns=ItemInfo)
def activate_item(ctx: RequestContext, item: str) -> dict[str, Any]:
    return service.set_active(ctx, item, True)
