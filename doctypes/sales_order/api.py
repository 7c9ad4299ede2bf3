"""Sales order methods (Racko's sales-orders): a customer's order, confirmed, then shipped
(doctypes.shipment.api.create_shipment) in part or whole; its status follows from its lines."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    CloseOrderArgs,
    CreateSalesOrderArgs,
    ListSalesOrdersArgs,
    OrderRefArgs,
    SalesOrderInfo,
    SalesOrderPage,
)


@whitelist(methods=["POST"], schema=CreateSalesOrderArgs, returns=SalesOrderInfo)
def create_sales_order(ctx: RequestContext, customer: str, lines: list[dict[str, Any]], reference: str | None,
                       ship_to: str, confirm: bool) -> dict[str, Any]:
    """A new order for a customer: a draft, or confirmed at once with `confirm`."""
    return service.create_sales_order(ctx, customer, lines, reference, ship_to, confirm)


@whitelist(methods=["GET"], schema=OrderRefArgs, returns=SalesOrderInfo)
def get_sales_order(ctx: RequestContext, order: str) -> dict[str, Any]:
    """One order by id or number, with its lines and what each has shipped."""
    return service.get_sales_order(ctx, order)


@whitelist(methods=["GET"], schema=ListSalesOrdersArgs, returns=SalesOrderPage)
def list_sales_orders(ctx: RequestContext, limit: int, offset: int, customer: str | None = None,
                      status: str | None = None) -> dict[str, Any]:
    """Orders, newest first, optionally of one customer and/or status."""
    return service.list_sales_orders(ctx, limit, offset, customer, status)


@whitelist(methods=["POST"], schema=OrderRefArgs, returns=SalesOrderInfo)
def confirm_sales_order(ctx: RequestContext, order: str) -> dict[str, Any]:
    """A draft becomes confirmed: ready to ship. Repeating it is harmless."""
    return service.confirm_sales_order(ctx, order)


@whitelist(methods=["POST"], schema=OrderRefArgs, returns=SalesOrderInfo)
def cancel_sales_order(ctx: RequestContext, order: str) -> dict[str, Any]:
    """Cancel an order while nothing of it has shipped (417 after). Repeating it is harmless."""
    return service.cancel_sales_order(ctx, order)


@whitelist(methods=["POST"], schema=CloseOrderArgs, returns=SalesOrderInfo)
def close_sales_order(ctx: RequestContext, order: str, reason: str = "") -> dict[str, Any]:
    """End an order shipped in part: the rest will not ship (417 otherwise). Repeating it is harmless."""
    return service.close_sales_order(ctx, order, reason)
