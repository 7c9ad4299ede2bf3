"""Shipment as a Frappe resource: its name is its number (SH-00042); read-only (create_shipment
makes one, with its stock moves)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource

from .model import PREFIX, Shipment


def _shown(number: int) -> str:
    return f"{PREFIX}{number:05d}"


def _stored(name: Any) -> int:
    text = str(name).strip().upper()
    digits = text[len(PREFIX):]
    if not text.startswith(PREFIX) or not digits.isascii() or not digits.isdigit() or int(digits) > 2**31 - 1:
        raise ValueError("A shipment's number: SH-00042.")
    return int(digits)


shipment = Resource(
    model=Shipment,
    fields={
        "name": Column(Shipment.number, show=_shown, store=_stored), "id": Shipment.id, "order_id": Shipment.order_id,
        "customer": Shipment.customer_id, "warehouse_id": Shipment.warehouse_id, "carrier": Shipment.carrier,
        "tracking_number": Shipment.tracking_number, "created_by": Shipment.created_by,
    },
    filterable=("name", "id", "order_id", "customer"),
    created=Shipment.created_at,
    sequence=Shipment.id,  # time-first ids
    order_by="creation desc",
)
