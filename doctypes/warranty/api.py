"""Warranty methods (Traciqo's activate_warranty, and what follows it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import activation, service
from .schema import (
    ActivateWarrantyArgs,
    ListWarrantiesArgs,
    TransferWarrantyArgs,
    VoidWarrantyArgs,
    WarrantyInfo,
    WarrantyPage,
    WarrantyRefArgs,
    WarrantyWithOwners,
)


@whitelist(methods=["POST"], schema=ActivateWarrantyArgs, batch=activation.activate_many, returns=WarrantyInfo)
def activate_warranty(ctx: RequestContext, serial_number: str, customer_name: str, customer_email: str,
                      customer_phone: str | None, purchase_date: dt.date | None) -> activation.ActivationRequest:
    """Register and activate the warranty of one serial number for a customer (the activations
    of a batch are made together by activate_many)."""
    return activation.ActivationRequest(ctx, serial_number, customer_name, customer_email.lower(), customer_phone,
                                        purchase_date)


@whitelist(methods=["GET"], schema=WarrantyRefArgs, returns=WarrantyWithOwners)
def get_warranty(ctx: RequestContext, warranty_id: str | None = None, serial_number: str | None = None) -> dict[str, Any]:
    """One warranty, by id or by serial number, with its owners over time."""
    return service.warranty_dict(ctx, service.find_warranty(ctx, warranty_id, serial_number), with_owners=True)


@whitelist(methods=["GET"], schema=ListWarrantiesArgs, returns=WarrantyPage)
def list_warranties(ctx: RequestContext, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """Warranties ending soonest first, by customer email, product, status or end date."""
    return service.list_warranties(ctx, limit, offset, **filters)


@whitelist(methods=["POST"], schema=TransferWarrantyArgs, returns=WarrantyWithOwners)
def transfer_warranty(ctx: RequestContext, warranty_id: str, customer_name: str, customer_email: str,
                      customer_phone: str | None) -> dict[str, Any]:
    return service.transfer(ctx, warranty_id, customer_name, customer_email.lower(), customer_phone)


@whitelist(methods=["POST"], schema=VoidWarrantyArgs, returns=WarrantyWithOwners)
def void_warranty(ctx: RequestContext, warranty_id: str, reason: str | None) -> dict[str, Any]:
    return service.void(ctx, warranty_id, reason)
