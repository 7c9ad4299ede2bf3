"""Item as a Frappe resource: its name is its SKU (any case finds it); the item's own name is
`item_name`. Creating one is create_item, saving one is update_item (the SKU stays); items are
not deleted (the ledger names them)."""

from __future__ import annotations

import json
from typing import Any

from traciqo_rpc.resource import Column, Resource, Write

from .model import Item
from .quantities import shown

WRITTEN = ("item_name", "gtin", "unit", "attributes", "tracking", "reorder_level", "allow_negative_stock", "product_id")


def _stored_sku(sku: Any) -> str:
    return str(sku).strip().upper()


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The document's `name` is the method's `sku`, its `item_name` the method's `name`."""
    renamed = {"name": "sku", "item_name": "name"}
    return {renamed.get(key, key): value for key, value in values.items()}


item = Resource(
    model=Item,
    fields={
        "name": Column(Item.sku, store=_stored_sku), "id": Item.id, "item_name": Item.name, "gtin": Item.gtin,
        "unit": Item.unit, "attributes": Column(Item.attributes, show=json.loads), "tracking": Item.tracking,
        "reorder_level": Column(Item.reorder_level, show=shown), "allow_negative_stock": Item.allow_negative_stock,
        "active": Item.active, "product_id": Item.product_id,
    },
    filterable=("name", "id", "active"),
    created=Item.created_at,
    modified=Item.updated_at,
    sequence=Item.id,  # time-first ids
    order_by="name asc",
    insert=Write("doctypes.item.api.create_item", ("name", *WRITTEN), lambda _, values: _fields(values),
                 name_of=lambda result, _: result["sku"]),
    update=Write("doctypes.item.api.update_item", (*WRITTEN, "active"),
                 lambda name, values: {"item": name, **_fields(values)}),
)
