"""Purchase Order as a Frappe resource, read only (the methods make and change orders): its name
is PO-00042; `lines` is its child list, as a Frappe document carries its child table."""

from __future__ import annotations

import json
from typing import Any

from peewee import SQL, fn

from doctypes.item.model import Item
from doctypes.item.quantities import shown
from doctypes.stock.service import money
from traciqo_rpc import db
from traciqo_rpc.context import RequestContext
from traciqo_rpc.resource import Column, Resource

from .model import PREFIX, PurchaseOrder, PurchaseOrderLine, order_name

_LINE_FIELDS = (("line", PurchaseOrderLine.position), ("item", Item.sku), ("quantity", PurchaseOrderLine.quantity),
                ("received", PurchaseOrderLine.received), ("unit_cost", PurchaseOrderLine.unit_cost))


def _stored_name(name: Any) -> int:
    """PO-00042 (any case) as the number it names; ValueError for anything else."""
    text = str(name).strip()
    number = text[len(PREFIX):]
    if not (text.upper().startswith(PREFIX) and number.isascii() and number.isdigit() and len(number) <= 9):
        raise ValueError(f"not a purchase order's name: {text[:40]!r}")
    return int(number)


def _lines_json(ctx: RequestContext) -> Any:
    """The order's lines as one JSON array, in the database's own JSON functions."""
    pairs = [part for key, column in _LINE_FIELDS for part in (SQL(f"'{key}'"), column)]
    if db.is_sqlite():
        aggregate = fn.json_group_array(fn.json_object(*pairs))
    else:
        aggregate = fn.COALESCE(fn.json_agg(fn.json_build_object(*pairs)), SQL("'[]'::json"))
    return (PurchaseOrderLine.select(aggregate)
            .join(Item, on=(Item.id == PurchaseOrderLine.item_id))
            .where(PurchaseOrderLine.order_id == PurchaseOrder.id))


def _lines(value: Any) -> list[dict[str, Any]]:
    """Each line with its quantities in units and its cost in the currency, by line number."""
    rows = json.loads(value) if isinstance(value, str) else value
    return [{**row, "quantity": shown(row["quantity"]), "received": shown(row["received"]),
             "unit_cost": money(row["unit_cost"])} for row in sorted(rows, key=lambda row: row["line"])]


purchase_order = Resource(
    model=PurchaseOrder,
    fields={
        "name": Column(PurchaseOrder.number, show=order_name, store=_stored_name), "id": PurchaseOrder.id,
        "vendor_id": PurchaseOrder.vendor_id, "status": PurchaseOrder.status,
        "expected_date": PurchaseOrder.expected_date, "reference": PurchaseOrder.reference,
        "reason": PurchaseOrder.reason, "placed_at": PurchaseOrder.placed_at, "ended_at": PurchaseOrder.ended_at,
        "lines": Column(PurchaseOrderLine.position, show=_lines, at_request=_lines_json),
    },
    filterable=("name", "id", "vendor_id", "status"),
    created=PurchaseOrder.created_at,
    modified=PurchaseOrder.updated_at,
    sequence=PurchaseOrder.number,  # numbered as they are made
    order_by="name desc",
)
