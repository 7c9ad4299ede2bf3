"""Sales Order as a Frappe resource: its name is its number (SO-00042). Created through
create_sales_order (lines as `lines`); read-only otherwise: confirming, cancelling and shipping
are the methods'."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write

from .model import PREFIX, SalesOrder


def _shown(number: int) -> str:
    return f"{PREFIX}{number:05d}"


def _stored(name: Any) -> int:
    text = str(name).strip().upper()
    digits = text[len(PREFIX):]
    if not text.startswith(PREFIX) or not digits.isascii() or not digits.isdigit() or int(digits) > 2**31 - 1:
        raise ValueError("A sales order's number: SO-00042.")
    return int(digits)


sales_order = Resource(
    model=SalesOrder,
    fields={
        "name": Column(SalesOrder.number, show=_shown, store=_stored), "id": SalesOrder.id,
        "customer": SalesOrder.customer_id, "reference": SalesOrder.reference, "ship_to": SalesOrder.ship_to,
        "status": SalesOrder.status, "confirmed_at": SalesOrder.confirmed_at, "cancelled_at": SalesOrder.cancelled_at,
        "closed_at": SalesOrder.closed_at, "reason": SalesOrder.reason,
    },
    filterable=("name", "id", "customer", "status"),
    created=SalesOrder.created_at,
    modified=SalesOrder.updated_at,
    sequence=SalesOrder.id,  # time-first ids
    order_by="creation desc",
    insert=Write("doctypes.sales_order.api.create_sales_order", ("customer", "lines", "reference", "ship_to"),
                 lambda _, values: {"confirm": False, **values}, name_of=lambda result, _: result["number"]),
)
