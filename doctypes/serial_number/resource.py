"""Serial Number as a Frappe resource: its name is the serial. Creating one adds it (as
add_serial_numbers does one); saving one with status "void" withdraws it."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.resource import Column, Resource, Write

from .model import VOID, SerialNumber


class OnlyVoiding(errors.ValidationError):
    """A serial's one change is to void it (registering it is a warranty activation)."""


def _add_one(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    entry = {"serial_number": values.get("name"), **{k: v for k, v in values.items() if k != "name"}}
    return {"serial_numbers": [entry]}


def _void(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    if values.get("status", VOID) != VOID:
        raise OnlyVoiding("A serial can only be voided here", field_errors={"status": [f"Only {VOID!r}."]})
    return {"serial_number": name, "reason": values.get("void_reason")}


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
    update=Write("doctypes.serial_number.api.void_serial_number", ("status", "void_reason"), _void),
)
