"""Receipts against a purchase order: the units that came, posted to stock as receipts at each
line's unit cost with the order's name as their reference, the lines' received quantities and
the order's status changed in the same transaction.

A receipt locks the order first (queries.LOCK_ORDER), so receipts of one order queue and none
races a cancellation; each line's received quantity is raised by an UPDATE that refuses to go
past what was ordered (queries.RECEIVE_ON_LINE). Lines are posted in the order of their items'
ids: every multi-item move then takes the items' stock locks in one order, and two receipts
of different orders sharing items cannot deadlock.
"""

from __future__ import annotations

from typing import Any

from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import find_item
from doctypes.stock import service as stock
from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch

from .model import OPEN, RECEIVED, PurchaseOrder, PurchaseOrderLine, derived_status, order_name
from .queries import RECEIVE_ON_LINE
from .service import LineNotFound, find_order, lock, order_dict


class OrderNotReceivable(errors.ValidationError):
    """A receipt against an order that is not placed, or has ended (received, closed, cancelled)."""


class OverReceipt(errors.ValidationError):
    """More units than the line has still to come."""


class ItemNotOnOrder(errors.ValidationError):
    """A receipt naming an item the order has no line for."""


class ReceiptQuantityMissing(errors.ValidationError):
    """A receipt line of an item not tracked by serial number that does not say how many."""


def receive_purchase_order(ctx: RequestContext, order: str, warehouse: str, bin: str | None,
                           lines: list[dict[str, Any]], reason: str = "") -> dict[str, Any]:
    """Post the units that came of each line named into one bin; answers the order and the moves."""
    found = find_order(ctx, order)
    name = order_name(found.number)
    if lock(ctx, found) not in OPEN:
        why = {"draft": "place it first", RECEIVED: "everything has come"}.get(found.status, "it has ended")
        raise OrderNotReceivable(f"{name} is {found.status}: {why}",
                                 field_errors={"order": [f"Takes no receipts: {found.status}."]})
    on_order = list(PurchaseOrderLine.scoped(ctx).where(PurchaseOrderLine.order_id == found.id))
    targets = [(_line_of(ctx, on_order, asked, name), asked) for asked in lines]
    moves = []
    for target, asked in sorted(targets, key=lambda pair: pair[0].item_id):
        quantity = _quantity(target, asked, name)
        if not fetch(RECEIVE_ON_LINE, (quantity, found.id, target.position, quantity), ctx):
            left = (PurchaseOrderLine.scoped(ctx, PurchaseOrderLine.quantity - PurchaseOrderLine.received)
                    .where(PurchaseOrderLine.id == target.id).scalar())
            message = f"Line {target.position}: {shown(quantity)} received, {shown(left)} left to receive"
            raise OverReceipt(f"{name} {message}", field_errors={"lines": [message]})
        moves.append(stock.receive(ctx, target.item_id, warehouse, bin, asked.get("quantity"), target.unit_cost,
                                   asked.get("batch"), asked.get("serial_numbers"), reason, name))
    status = derived_status(list(PurchaseOrderLine.scoped(ctx, PurchaseOrderLine.quantity, PurchaseOrderLine.received)
                                 .where(PurchaseOrderLine.order_id == found.id).tuples()))
    changes: dict[str, Any] = {"status": status, **({"ended_at": ctx.now()} if status == RECEIVED else {})}
    for field, value in changes.items():
        setattr(found, field, value)
    found.save(only=[getattr(PurchaseOrder, field) for field in changes])
    return {**order_dict(ctx, found), "moves": moves}


def _line_of(ctx: RequestContext, on_order: list[PurchaseOrderLine], asked: dict[str, Any],
             name: str) -> PurchaseOrderLine:
    """The order's line a receipt line names, by its number or its item."""
    if asked.get("line") is not None:
        line = next((line for line in on_order if line.position == asked["line"]), None)
        if line is None:
            raise LineNotFound(field_errors={"lines": [f"{name} has no line {asked['line']}."]})
        return line
    item = find_item(ctx, asked["item"], "lines")
    line = next((line for line in on_order if line.item_id == item.id), None)
    if line is None:
        raise ItemNotOnOrder(f"{item.sku} is not on {name}", field_errors={"lines": [f"{item.sku} is not on {name}."]})
    return line


def _quantity(line: PurchaseOrderLine, asked: dict[str, Any], name: str) -> int:
    """How many came, in thousandths: the serial numbers' count, else the quantity sent (the
    stock receipt checks that the two agree, and the item's tracking)."""
    serials = asked.get("serial_numbers")
    if serials:
        return len(set(serials)) * SCALE
    if asked.get("quantity") is None:
        message = f"Line {line.position}: say how many came"
        raise ReceiptQuantityMissing(f"{name} {message}", field_errors={"quantity": [message]})
    return int(asked["quantity"])
