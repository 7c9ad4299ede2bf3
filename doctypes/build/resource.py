"""Build as a Frappe resource: its name is its id; read-only here (builds are planned,
completed and cancelled through their methods, which move stock)."""

from __future__ import annotations

from doctypes.item.quantities import shown
from traciqo_rpc.resource import Column, Resource

from .model import Build

build = Resource(
    model=Build,
    fields={"name": Build.id, "item_id": Build.item_id, "bom_id": Build.bom_id,
            "quantity": Column(Build.quantity, show=shown), "explode": Build.explode, "status": Build.status,
            "warehouse_id": Build.warehouse_id, "output_warehouse_id": Build.output_warehouse_id,
            "batch": Build.batch, "with_codes": Build.with_codes, "code_batch": Build.code_batch,
            "note": Build.note, "completed_at": Build.completed_at},
    filterable=("name", "status", "item_id"),
    created=Build.created_at,
    sequence=Build.id,  # time-first ids
    order_by="name desc",
)
