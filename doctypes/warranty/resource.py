"""Warranty as a Frappe resource. Creating one activates a unit's warranty (activate_warranty's
rules, events and batch); saving one with status "void" ends it. Transfers stay a method:
they take a new owner, not a field."""

from __future__ import annotations

from typing import Any

from peewee import Case

from doctypes.serial_number.model import SerialNumber
from traciqo_rpc.context import RequestContext
from traciqo_rpc.resource import Column, Resource, Write, voiding

from .model import ACTIVE, VOID, Warranty

ACTIVATION = ("serial_number", "customer_name", "customer_email", "customer_phone", "purchase_date")


def status_now(ctx: RequestContext) -> Any:
    """void, expired (past its end today) or active: what warranty_dict shows, in SQL."""
    return Case(None, [(Warranty.status == VOID, VOID), (Warranty.ends_on < ctx.now().date(), "expired")], ACTIVE)


warranty = Resource(
    model=Warranty,
    fields={
        "name": Warranty.id,
        "serial_number": SerialNumber.select(SerialNumber.serial).where(SerialNumber.id == Warranty.serial_id),
        "product_id": Warranty.product_id, "party_id": Warranty.party_id,
        "status": Column(Warranty.status, at_request=status_now), "months": Warranty.months,
        "purchase_date": Warranty.purchase_date, "starts_on": Warranty.starts_on, "ends_on": Warranty.ends_on,
        "voided_at": Warranty.voided_at, "void_reason": Warranty.void_reason,
    },
    filterable=("name", "product_id", "party_id", "ends_on"),
    created=Warranty.created_at,
    sequence=Warranty.id,  # time-first ids
    insert=Write("doctypes.warranty.api.activate_warranty", ACTIVATION, lambda _, values: values,
                 name_of=lambda result, _: result["id"]),
    update=Write("doctypes.warranty.api.void_warranty", ("status", "void_reason"),
                 voiding("warranty_id", "A warranty", VOID)),
)
