"""BOM as a Frappe resource: its name is its id; read-only here (a BOM's lines are written
through create_bom and update_bom, which check them for cycles)."""

from __future__ import annotations

from traciqo_rpc.resource import Resource

from .model import Bom

bom = Resource(
    model=Bom,
    fields={"name": Bom.id, "item_id": Bom.item_id, "version": Bom.version, "is_default": Bom.is_default,
            "locked": Bom.locked, "note": Bom.note},
    filterable=("name",),
    created=Bom.created_at,
    sequence=Bom.id,  # time-first ids
    order_by="name desc",
)
