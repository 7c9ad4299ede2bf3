"""Vendor Item as a Frappe resource, read only: its name is its id; the methods set and remove
offers by vendor and item."""

from __future__ import annotations

from doctypes.item.quantities import shown
from doctypes.stock.service import money
from traciqo_rpc.resource import Column, Resource

from .model import VendorItem

vendor_item = Resource(
    model=VendorItem,
    fields={
        "name": VendorItem.id, "vendor_id": VendorItem.vendor_id, "item_id": VendorItem.item_id,
        "vendor_sku": VendorItem.vendor_sku, "price": Column(VendorItem.price, show=money),
        "lead_time_days": VendorItem.lead_time_days, "minimum_order": Column(VendorItem.minimum_order, show=shown),
    },
    filterable=("name", "vendor_id", "item_id"),
    created=VendorItem.created_at,
    modified=VendorItem.updated_at,
    sequence=VendorItem.id,  # time-first ids
    order_by="name asc",
)
