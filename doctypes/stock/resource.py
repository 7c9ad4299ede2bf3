"""Stock Entry as a Frappe resource: the ledger, read only (its entries are made by the moves and
never changed), newest first, filtered by item or warehouse (their ids) or by entry; so it can
be listed and exported (traciqo_rpc/exports.py) like any other list."""

from __future__ import annotations

from doctypes.item.quantities import shown
from traciqo_rpc.resource import Column, Resource

from .model import StockEntry
from .service import money

stock_entry = Resource(
    model=StockEntry,
    fields={
        "name": StockEntry.id, "move": StockEntry.move_id, "kind": StockEntry.kind, "item_id": StockEntry.item_id,
        "warehouse_id": StockEntry.warehouse_id, "bin_id": StockEntry.bin_id, "batch": StockEntry.batch,
        "serial": StockEntry.serial, "quantity": Column(StockEntry.quantity, show=shown),
        "level_after": Column(StockEntry.level_after, show=shown),
        "value_change": Column(StockEntry.value_change, show=money), "reason": StockEntry.reason,
        "reference": StockEntry.reference, "created_by": StockEntry.created_by,
    },
    filterable=("name", "item_id", "warehouse_id"),
    created=StockEntry.created_at,
    sequence=StockEntry.id,
    order_by="creation desc",
)
