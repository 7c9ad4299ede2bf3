"""Product methods (Trakor's idempotent push, plus look-up and listing)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    ListProductsArgs,
    ProductInfo,
    ProductPage,
    ProductPushed,
    ProductRefArgs,
    UpsertProductArgs,
)


@whitelist(methods=["POST"], schema=UpsertProductArgs, returns=ProductPushed)
def upsert_product(ctx: RequestContext, name: str, **values: Any) -> dict[str, Any]:
    """Create a product by name, or return the existing one with created: false."""
    return service.upsert_product(ctx, name, **values)


@whitelist(methods=["GET"], schema=ProductRefArgs, returns=ProductInfo)
def get_product(ctx: RequestContext, product_id: str) -> dict[str, Any]:
    """One product by id or SKU."""
    return service.get_product(ctx, product_id)


@whitelist(methods=["GET"], schema=ListProductsArgs, returns=ProductPage)
def list_products(ctx: RequestContext, limit: int, offset: int, name: str | None = None) -> dict[str, Any]:
    """Products by SKU, optionally filtered by a part of the name."""
    return service.list_products(ctx, limit, offset, name)
