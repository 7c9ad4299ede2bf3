"""Vendor catalogue methods: what each vendor offers of an item, at what price, lead time and
minimum order (ERPNext's Item Supplier with its Item Price)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    ListVendorItemsArgs,
    SetVendorItemArgs,
    VendorItemInfo,
    VendorItemPage,
    VendorItemRefArgs,
    VendorItemSet,
)


@whitelist(methods=["POST"], schema=SetVendorItemArgs, returns=VendorItemSet)
def set_vendor_item(ctx: RequestContext, vendor: str, item: str, price: int, **changes: Any) -> dict[str, Any]:
    """The vendor's offer of the item, created or changed; the fields not sent stay as they were."""
    return service.set_vendor_item(ctx, vendor, item, price, **changes)


@whitelist(methods=["GET"], schema=VendorItemRefArgs, returns=VendorItemInfo)
def get_vendor_item(ctx: RequestContext, vendor: str, item: str) -> dict[str, Any]:
    """The vendor's offer of the item; 404 if it offers none."""
    return service.get_vendor_item(ctx, vendor, item)


@whitelist(methods=["GET"], schema=ListVendorItemsArgs, returns=VendorItemPage)
def list_vendor_items(ctx: RequestContext, limit: int, offset: int, vendor: str | None = None,
                      item: str | None = None) -> dict[str, Any]:
    """Offers, oldest first: one vendor's catalogue, one item's vendors, or all."""
    return service.list_vendor_items(ctx, limit, offset, vendor, item)


@whitelist(methods=["POST"], schema=VendorItemRefArgs, returns=VendorItemInfo)
def remove_vendor_item(ctx: RequestContext, vendor: str, item: str) -> dict[str, Any]:
    """Take the offer out of the catalogue; answers what it was."""
    return service.remove_vendor_item(ctx, vendor, item)
