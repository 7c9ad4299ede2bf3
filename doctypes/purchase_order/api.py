"""Purchase order methods (Racko's purchase orders, ERPNext's Purchase Order and Purchase
Receipt): a draft from a vendor, placed, received into stock in parts, cancelled or closed."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import receipts, service
from .schema import (
    AddLineArgs,
    CreatePurchaseOrderArgs,
    EndOrderArgs,
    LineRefArgs,
    ListPurchaseOrdersArgs,
    OrderRefArgs,
    PurchaseOrderInfo,
    PurchaseOrderPage,
    Received,
    ReceivePurchaseOrderArgs,
)


@whitelist(methods=["POST"], schema=CreatePurchaseOrderArgs, returns=PurchaseOrderInfo)
def create_purchase_order(ctx: RequestContext, vendor: str, lines: list[dict[str, Any]], expected_date: Any = None,
                          reference: str | None = None) -> dict[str, Any]:
    """A draft order from a vendor; each line's unit cost defaults to the vendor's catalogue price."""
    return service.create_purchase_order(ctx, vendor, lines, expected_date, reference)


@whitelist(methods=["GET"], schema=OrderRefArgs, returns=PurchaseOrderInfo)
def get_purchase_order(ctx: RequestContext, order: str) -> dict[str, Any]:
    """One order by id or name (PO-00042), with its lines."""
    return service.get_purchase_order(ctx, order)


@whitelist(methods=["GET"], schema=ListPurchaseOrdersArgs, returns=PurchaseOrderPage)
def list_purchase_orders(ctx: RequestContext, limit: int, offset: int, vendor: str | None = None,
                         status: str | None = None) -> dict[str, Any]:
    """Orders, newest first, optionally of one vendor or in one status."""
    return service.list_purchase_orders(ctx, limit, offset, vendor, status)


@whitelist(methods=["POST"], schema=AddLineArgs, returns=PurchaseOrderInfo)
def add_purchase_order_line(ctx: RequestContext, order: str, item: str, quantity: int,
                            unit_cost: int | None = None) -> dict[str, Any]:
    """A line at the end of a draft order."""
    return service.add_line(ctx, order, item, quantity, unit_cost)


@whitelist(methods=["POST"], schema=LineRefArgs, returns=PurchaseOrderInfo)
def remove_purchase_order_line(ctx: RequestContext, order: str, line: int) -> dict[str, Any]:
    """Take a line off a draft order; the other lines keep their numbers."""
    return service.remove_line(ctx, order, line)


@whitelist(methods=["POST"], schema=OrderRefArgs, returns=PurchaseOrderInfo)
def place_purchase_order(ctx: RequestContext, order: str) -> dict[str, Any]:
    """The draft is sent: its lines are fixed and it takes receipts (status ordered)."""
    return service.place(ctx, order)


@whitelist(methods=["POST"], schema=ReceivePurchaseOrderArgs, returns=Received)
def receive_purchase_order(ctx: RequestContext, order: str, warehouse: str, lines: list[dict[str, Any]],
                           bin: str | None = None, reason: str = "") -> dict[str, Any]:
    """Units that came, into one bin, as stock receipts at the lines' costs; over-receipt is refused."""
    return receipts.receive_purchase_order(ctx, order, warehouse, bin, lines, reason)


@whitelist(methods=["POST"], schema=EndOrderArgs, returns=PurchaseOrderInfo)
def cancel_purchase_order(ctx: RequestContext, order: str, reason: str = "") -> dict[str, Any]:
    """Cancel a draft, or a placed order of which nothing has been received."""
    return service.cancel(ctx, order, reason)


@whitelist(methods=["POST"], schema=EndOrderArgs, returns=PurchaseOrderInfo)
def close_purchase_order(ctx: RequestContext, order: str, reason: str = "") -> dict[str, Any]:
    """End a partially received order: the rest is not expected any more."""
    return service.close(ctx, order, reason)
