"""A warranty's life after activation (activation.py): look-up, listing, transfer, void."""

from __future__ import annotations

import datetime as dt
from typing import Any

from doctypes.party.model import Party
from doctypes.party.service import customer_for
from doctypes.product.service import require_product
from doctypes.serial_number.model import SerialNumber
from doctypes.serial_number.service import find_serial
from traciqo_rpc import errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate

from .model import ACTIVE, VOID, Warranty, WarrantyOwner


class WarrantyNotFound(errors.DoesNotExistError):
    """No warranty of that id (or serial) in the caller's workspace and environment."""


class WarrantyNotTransferable(errors.ValidationError):
    """A void warranty cannot change owners."""


class WarrantyAlreadyOwned(errors.ValidationError):
    """A transfer to the customer who owns the warranty already."""


def _status(ctx: RequestContext, warranty: Warranty) -> str:
    if warranty.status == VOID:
        return VOID
    return "expired" if warranty.ends_on < ctx.now().date() else ACTIVE


def warranty_dict(ctx: RequestContext, warranty: Warranty, with_owners: bool = False) -> dict[str, Any]:
    serial = SerialNumber.get_by_id(warranty.serial_id)
    customer = Party.get_by_id(warranty.party_id)
    result: dict[str, Any] = {
        "id": warranty.id,
        "serial_number": serial.serial,
        "product_id": warranty.product_id,
        "customer": {"id": customer.id, "name": customer.name, "email": customer.email, "phone": customer.phone},
        "status": _status(ctx, warranty),
        "months": warranty.months,
        "purchase_date": warranty.purchase_date,
        "starts_on": warranty.starts_on,
        "ends_on": warranty.ends_on,
        "created_at": warranty.created_at,
        "voided_at": warranty.voided_at,
        "void_reason": warranty.void_reason,
    }
    if with_owners:
        owners = (WarrantyOwner.scoped(ctx, WarrantyOwner, Party.name, Party.email)
                  .join(Party, on=(WarrantyOwner.party_id == Party.id))
                  .where(WarrantyOwner.warranty_id == warranty.id).order_by(WarrantyOwner.id).objects())
        result["owners"] = [{"customer_id": o.party_id, "name": o.name, "email": o.email,
                             "since": o.since, "until": o.until} for o in owners]
    return result


def find_warranty(ctx: RequestContext, warranty_id: str | None = None, serial_number: str | None = None) -> Warranty:
    query = Warranty.scoped(ctx)
    if serial_number is not None:
        query = query.where(Warranty.serial_id == find_serial(ctx, serial_number).id)
    else:
        query = query.where(Warranty.id == warranty_id)
    warranty = query.first()
    if warranty is None:
        raise WarrantyNotFound(f"Warranty {warranty_id or serial_number} not found")
    return warranty


def warranty_of_serial(ctx: RequestContext, serial: SerialNumber) -> dict[str, Any] | None:
    warranty = Warranty.scoped(ctx).where(Warranty.serial_id == serial.id).first()
    return warranty_dict(ctx, warranty) if warranty else None


def transfer(ctx: RequestContext, warranty_id: str, customer_name: str, customer_email: str,
             customer_phone: str | None) -> dict[str, Any]:
    """Hand the warranty to a new owner; the previous owners stay in its history."""
    warranty = find_warranty(ctx, warranty_id)
    if warranty.status == VOID:
        raise WarrantyNotTransferable("A void warranty cannot be transferred",
                                     field_errors={"warranty_id": ["The warranty is void."]})
    customer = customer_for(ctx, customer_name, customer_email, customer_phone)
    if customer.id == warranty.party_id:
        raise WarrantyAlreadyOwned("The warranty already belongs to this customer",
                                     field_errors={"customer_email": ["Already the owner."]})
    now = ctx.now()
    WarrantyOwner.update(until=now).where(
        (WarrantyOwner.warranty_id == warranty.id) & WarrantyOwner.until.is_null()).execute()
    WarrantyOwner.create(warranty_id=warranty.id, party_id=customer.id, since=now, **WarrantyOwner.scope_values(ctx))
    warranty.party_id = customer.id
    warranty.save(only=[Warranty.party_id])
    result = warranty_dict(ctx, warranty, with_owners=True)
    publish(ctx, "warranty:transferred", result)
    return result


def void(ctx: RequestContext, warranty_id: str, reason: str | None) -> dict[str, Any]:
    """End a warranty now (fraud, refund); repeating is harmless."""
    warranty = find_warranty(ctx, warranty_id)
    if warranty.status != VOID:
        warranty.status, warranty.voided_at, warranty.void_reason = VOID, ctx.now(), reason
        warranty.remind_on = None  # no expiry reminder for a void warranty
        warranty.save(only=[Warranty.status, Warranty.voided_at, Warranty.void_reason, Warranty.remind_on])
        publish(ctx, "warranty:voided", warranty_dict(ctx, warranty))
    return warranty_dict(ctx, warranty, with_owners=True)


ORDERS = {"ends": (Warranty.ends_on, Warranty.id)}  # the orders a list offers (records.ordered)


def list_warranties(ctx: RequestContext, limit: int, offset: int, customer_email: str | None = None,
                    product_id: str | None = None, status: str | None = None,
                    expiring_before: dt.date | None = None, order: str = "ends") -> dict[str, Any]:
    query = ordered(Warranty.scoped(ctx), ORDERS, order)
    today = ctx.now().date()
    if customer_email:
        query = query.join(Party, on=(Warranty.party_id == Party.id)).where(Party.email == customer_email.lower())
    if product_id:
        query = query.where(Warranty.product_id == require_product(ctx, product_id).id)
    if status == VOID:
        query = query.where(Warranty.status == VOID)
    elif status == ACTIVE:
        query = query.where((Warranty.status == ACTIVE) & (Warranty.ends_on >= today))
    elif status == "expired":
        query = query.where((Warranty.status == ACTIVE) & (Warranty.ends_on < today))
    if expiring_before:
        query = query.where(Warranty.ends_on < expiring_before)
    return paginate(query, limit, offset, lambda w: warranty_dict(ctx, w))
