"""Warehouse methods: warehouses and their bin locations (Racko's warehouses)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    AddBinArgs,
    BinInfo,
    BinPage,
    BinRefArgs,
    CreateWarehouseArgs,
    ListBinsArgs,
    ListWarehousesArgs,
    UpdateWarehouseArgs,
    WarehouseDetail,
    WarehouseInfo,
    WarehousePage,
    WarehouseRefArgs,
)


@whitelist(methods=["POST"], schema=CreateWarehouseArgs, returns=WarehouseDetail)
def create_warehouse(ctx: RequestContext, code: str, name: str, address: str, bins: list[str]) -> dict[str, Any]:
    """A warehouse with its MAIN bin and the bins named; 409 if the code is taken."""
    return service.create_warehouse(ctx, code, name, address, bins)


@whitelist(methods=["GET"], schema=WarehouseRefArgs, returns=WarehouseDetail)
def get_warehouse(ctx: RequestContext, warehouse: str) -> dict[str, Any]:
    """One warehouse by id or code, with its bins."""
    return service.get_warehouse(ctx, warehouse)


@whitelist(methods=["GET"], schema=ListWarehousesArgs, returns=WarehousePage)
def list_warehouses(ctx: RequestContext, limit: int, offset: int, order: str, search: str | None = None,
                    active: bool | None = None) -> dict[str, Any]:
    """Warehouses by code (or `order`), optionally by a part of the code or name, or by `active`."""
    return service.list_warehouses(ctx, limit, offset, search, active, order)


@whitelist(methods=["POST"], schema=UpdateWarehouseArgs, returns=WarehouseInfo)
def update_warehouse(ctx: RequestContext, warehouse: str, **changes: Any) -> dict[str, Any]:
    """Change a warehouse's name, address or active; its code stays."""
    return service.update_warehouse(ctx, warehouse, **changes)


@whitelist(methods=["POST"], schema=AddBinArgs, returns=BinInfo)
def add_bin(ctx: RequestContext, warehouse: str, bin_code: str, name: str) -> dict[str, Any]:
    """A new bin of an active warehouse; 409 if the warehouse has that code already."""
    return service.add_bin(ctx, warehouse, bin_code, name)


@whitelist(methods=["GET"], schema=ListBinsArgs, returns=BinPage)
def list_bins(ctx: RequestContext, warehouse: str, limit: int, offset: int, active: bool | None = None) -> dict[str, Any]:
    """A page of a warehouse's bins, by code."""
    return service.list_bins(ctx, warehouse, limit, offset, active)


@whitelist(methods=["POST"], schema=BinRefArgs, returns=BinInfo)
def deactivate_bin(ctx: RequestContext, warehouse: str, bin_code: str) -> dict[str, Any]:
    """No stock moves into or out of the bin until it is activated; the MAIN bin stays active (417)."""
    return service.set_bin_active(ctx, warehouse, bin_code, False)


@whitelist(methods=["POST"], schema=BinRefArgs, returns=BinInfo)
def activate_bin(ctx: RequestContext, warehouse: str, bin_code: str) -> dict[str, Any]:
    return service.set_bin_active(ctx, warehouse, bin_code, True)
