"""Shipment methods (Racko's shipments): units of a confirmed sales order leave a bin, the order's
lines and status change with the stock ledger in one transaction, and `Order Shipped` is published."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import CreateShipmentArgs, ListShipmentsArgs, ShipmentInfo, ShipmentPage, ShipmentRefArgs


@whitelist(methods=["POST"], schema=CreateShipmentArgs, returns=ShipmentInfo)
def create_shipment(ctx: RequestContext, order: str, warehouse: str, lines: list[dict[str, Any]], carrier: str,
                    tracking_number: str, bin: str | None = None) -> dict[str, Any]:
    """Ship lines of an order from one bin (serial-tracked units by serial number); partial shipments
    are fine, more than a line has left is 417 naming the line."""
    return service.create_shipment(ctx, order, warehouse, bin, lines, carrier, tracking_number)


@whitelist(methods=["GET"], schema=ShipmentRefArgs, returns=ShipmentInfo)
def get_shipment(ctx: RequestContext, shipment: str) -> dict[str, Any]:
    """One shipment by id or number, with its lines and serial numbers."""
    return service.get_shipment(ctx, shipment)


@whitelist(methods=["GET"], schema=ListShipmentsArgs, returns=ShipmentPage)
def list_shipments(ctx: RequestContext, limit: int, offset: int, order: str | None = None, customer: str | None = None,
                   serial_number: str | None = None) -> dict[str, Any]:
    """Shipments, newest first: of an order, of a customer, or the one a serial-tracked unit left with."""
    return service.list_shipments(ctx, limit, offset, order, customer, serial_number)
