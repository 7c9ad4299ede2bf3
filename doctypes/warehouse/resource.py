"""Warehouse as a Frappe resource: its name is its code (any case finds it); the warehouse's own
name is `warehouse_name`. Creating one is create_warehouse (with its MAIN bin), saving one
changes its name, address or active (update_warehouse); warehouses are not deleted."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write

from .model import Warehouse

EDITABLE = ("warehouse_name", "address", "active")


def _stored_code(code: Any) -> str:
    return str(code).strip().upper()


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The document's `name` is the method's `code`, its `warehouse_name` the method's `name`."""
    renamed = {"name": "code", "warehouse_name": "name"}
    return {renamed.get(key, key): value for key, value in values.items()}


warehouse = Resource(
    model=Warehouse,
    fields={
        "name": Column(Warehouse.code, store=_stored_code), "id": Warehouse.id, "warehouse_name": Warehouse.name,
        "address": Warehouse.address, "active": Warehouse.active,
    },
    filterable=("name", "id"),
    created=Warehouse.created_at,
    sequence=Warehouse.id,  # time-first ids
    order_by="name asc",
    insert=Write("doctypes.warehouse.api.create_warehouse", ("name", "warehouse_name", "address"),
                 lambda _, values: _fields(values), name_of=lambda result, _: result["code"]),
    update=Write("doctypes.warehouse.api.update_warehouse", EDITABLE,
                 lambda name, values: {"warehouse": name, **_fields(values)}),
)
