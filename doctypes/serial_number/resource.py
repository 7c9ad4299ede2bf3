"""Serial Number as a Frappe resource: its name is the serial. Creating one adds it (as
add_serial_numbers does one); saving one with status "void" withdraws it."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write, voiding

from .model import VOID, SerialNumber


def _add_one(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    entry = {"serial_number": values.get("name"), **{k: v for k, v in values.items() if k != "name"}}
    return {"serial_numbers": [entry]}


serial_number = Resource(
    model=SerialNumber,
    fields={
        "name": SerialNumber.serial, "product_id": SerialNumber.product_id, "status": SerialNumber.status,
        "customer_tags": Column(SerialNumber.customer_tags, show=lambda tags: tags.split(",") if tags else []),
        "registered_at": SerialNumber.registered_at, "voided_at": SerialNumber.voided_at,
        "void_reason": SerialNumber.void_reason,
    },
    filterable=("name", "product_id", "status"),
    created=SerialNumber.created_at,
    sequence=SerialNumber.id,
    insert=Write("doctypes.serial_number.api.add_serial_numbers", ("name", "product_id", "customer_tags"), _add_one,
                 name_of=lambda _, values: values.get("name")),
    update=Write("doctypes.serial_number.api.void_serial_number", ("status", "void_reason"),
                 voiding("serial_number", "A serial", VOID)),
)
