"""Purchase orders: made as a draft (with lines, or empty), edited while a draft, placed,
cancelled while nothing has come, closed when the rest will not come; read and listed.
Receipts are in receipts.py.

A line's unit cost is the one sent or the vendor's catalogue price; a line below the
vendor's minimum order is refused. Every change locks the order's row first (queries.LOCK_ORDER)
and then checks its status, so two changes of one order never interleave.
"""

from __future__ import annotations

from typing import Any

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import require_active_item
from doctypes.party.model import VENDOR, Party
from doctypes.party.service import find_party, require_party
from doctypes.stock.service import money
from doctypes.vendor_item.service import offer_for
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id
from traciqo_rpc.statements import fetch

from .model import (
    CANCELLED,
    CLOSED,
    DRAFT,
    OPEN,
    ORDERED,
    PARTIALLY_RECEIVED,
    PREFIX,
    PurchaseOrder,
    PurchaseOrderLine,
    order_name,
)
from .queries import LOCK_ORDER
from .schema import MAX_LINES

ATTEMPTS = 5  # numbering: a number taken by a concurrent order is read again, this many times
MAX_AMOUNT = 10**12 * 10_000  # a line's quantity x unit cost, in ten-thousandths: what a ledger value holds


class PurchaseOrderNotFound(errors.DoesNotExistError):
    """No purchase order of that id or name in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Purchase order not found"


class LineNotFound(errors.DoesNotExistError):
    """The order has no line of that number."""

    def default_message(self) -> str:
        return "Line not found"


class OrderNotEditable(errors.ValidationError):
    """Lines are added and removed while the order is a draft only."""


class OrderNotPlaceable(errors.ValidationError):
    """Only a draft with lines is placed."""


class OrderNotCancellable(errors.ValidationError):
    """A cancellation of an order that has received units (close it instead) or has ended."""


class OrderNotClosable(errors.ValidationError):
    """Closing an order that has received nothing (cancel it instead), a draft, or an ended one."""


class ItemAlreadyOnOrder(errors.DuplicateEntryError):
    """An item is on an order once: its line's quantity says how many."""


class BelowMinimumOrder(errors.ValidationError):
    """A line for fewer units than the vendor's catalogue says it takes."""


class UnitCostMissing(errors.ValidationError):
    """A line without a unit cost, for an item the vendor's catalogue has no price for."""


class WholeUnitsOnly(errors.ValidationError):
    """A serial-tracked item ordered in a part of a unit."""


class AmountTooLarge(errors.ValidationError):
    """A line whose quantity x unit cost is past what the ledger's values hold."""


class TooManyLines(errors.LimitExceeded):
    """An order holds at most MAX_LINES lines."""


def create_purchase_order(ctx: RequestContext, vendor: str, lines: list[dict[str, Any]],
                          expected_date: Any = None, reference: str | None = None) -> dict[str, Any]:
    """A draft order from the vendor with its lines (numbered 1, 2, 3 ...)."""
    party = require_party(ctx, vendor, VENDOR, "vendor")
    priced = [_priced(ctx, party, at=f"Line {number}", **line) for number, line in enumerate(lines, 1)]
    seen: dict[str, int] = {}
    for number, (item, _, _) in enumerate(priced, 1):
        if item.id in seen:
            message = f"Line {number}: {item.sku} is on line {seen[item.id]} already; order it once"
            raise ItemAlreadyOnOrder(message, field_errors={"lines": [message]})
        seen[item.id] = number
    order = _numbered(ctx, party, expected_date, reference)
    if priced:
        PurchaseOrderLine.insert_many([
            {"order_id": order.id, "position": number, "item_id": item.id, "quantity": quantity, "unit_cost": cost,
             **PurchaseOrderLine.scope_values(ctx)}
            for number, (item, quantity, cost) in enumerate(priced, 1)]).execute()
    return order_dict(ctx, order)


def _numbered(ctx: RequestContext, party: Party, expected_date: Any, reference: str | None) -> PurchaseOrder:
    """A new draft with the next number; the unique index decides between concurrent ones."""
    principal = ctx.require_principal()
    for _ in range(ATTEMPTS):
        number = (PurchaseOrder.scoped(ctx, peewee.fn.MAX(PurchaseOrder.number)).scalar() or 0) + 1
        now = ctx.now()
        try:
            with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
                return PurchaseOrder.create(
                    id=public_id(), number=number, vendor_id=party.id, status=DRAFT, expected_date=expected_date,
                    reference=reference, created_by=principal.user_email or principal.key_name or "",
                    created_at=now, updated_at=now, **PurchaseOrder.scope_values(ctx))
        except peewee.IntegrityError:
            continue
    raise RuntimeError(f"could not number a purchase order after {ATTEMPTS} attempts")


def _priced(ctx: RequestContext, vendor: Party, item: str, quantity: int, unit_cost: int | None,
            at: str = "") -> tuple[Item, int, int]:
    """A line's item, quantity and unit cost, checked against the item and the vendor's
    catalogue. `at` ("Line 2") names a new order's line: its refusals then go on `lines`."""
    found = require_active_item(ctx, item, "lines" if at else "item")
    offer = offer_for(ctx, vendor.id, found.id)
    prefix = f"{at}: " if at else ""

    def refuse(error: type[errors.ValidationError], field: str, message: str) -> errors.ValidationError:
        return error(prefix + message, field_errors={"lines" if at else field: [prefix + message]})

    if found.tracking == "serial" and quantity % SCALE:
        raise refuse(WholeUnitsOnly, "quantity", f"{found.sku} is serial-tracked: order whole units")
    if offer is not None and quantity < offer.minimum_order:
        raise refuse(BelowMinimumOrder, "quantity", f"{shown(quantity)} {found.sku} is below {vendor.name[:64]}'s "
                                                    f"minimum order of {shown(offer.minimum_order)}")
    if unit_cost is None:
        if offer is None:
            raise refuse(UnitCostMissing, "unit_cost", f"{vendor.name[:64]} has no catalogue price for "
                                                       f"{found.sku}: send unit_cost")
        unit_cost = offer.price
    if quantity * unit_cost // SCALE > MAX_AMOUNT:
        raise refuse(AmountTooLarge, "quantity", f"{found.sku}: quantity x unit cost is past {money(MAX_AMOUNT):,.0f}")
    return found, quantity, unit_cost


def find_order(ctx: RequestContext, ref: str, field: str = "order") -> PurchaseOrder:
    """The caller's order by id or name (PO-00042, any case); 404 naming the argument."""
    ref = ref.strip()
    number = ref[len(PREFIX):]
    if ref.upper().startswith(PREFIX) and number.isascii() and number.isdigit() and len(number) <= 9:
        order = PurchaseOrder.scoped(ctx).where(PurchaseOrder.number == int(number)).first()
    else:
        order = PurchaseOrder.scoped(ctx).where(PurchaseOrder.id == ref).first()
    if order is None:
        raise PurchaseOrderNotFound(field_errors={field: [f"No purchase order {ref[:40]!r} in this workspace."]})
    return order


def lock(ctx: RequestContext, order: PurchaseOrder) -> str:
    """Lock the order's row until the call commits; answers its status as it is now."""
    order.status = fetch(LOCK_ORDER, (ctx.now(), order.id), ctx)[0][0]
    return order.status


def _draft(ctx: RequestContext, ref: str) -> PurchaseOrder:
    order = find_order(ctx, ref)
    if lock(ctx, order) != DRAFT:
        raise OrderNotEditable(f"{order_name(order.number)} is {order.status}: lines change while it is a draft",
                               field_errors={"order": [f"Not a draft: {order.status}."]})
    return order


def add_line(ctx: RequestContext, ref: str, item: str, quantity: int, unit_cost: int | None) -> dict[str, Any]:
    """A new line at the end of a draft order."""
    order = _draft(ctx, ref)
    found, quantity, cost = _priced(ctx, find_party(ctx, order.vendor_id, "order"), item, quantity, unit_cost)
    lines = list(PurchaseOrderLine.scoped(ctx).where(PurchaseOrderLine.order_id == order.id))
    if len(lines) >= MAX_LINES:
        raise TooManyLines(f"An order holds at most {MAX_LINES} lines", field_errors={"item": ["The order is full."]})
    taken = next((line for line in lines if line.item_id == found.id), None)
    if taken is not None:
        raise ItemAlreadyOnOrder(f"{found.sku} is on line {taken.position} already",
                                 field_errors={"item": [f"On line {taken.position}: remove it to change it."]})
    PurchaseOrderLine.create(order_id=order.id, position=max((line.position for line in lines), default=0) + 1,
                             item_id=found.id, quantity=quantity, unit_cost=cost, **PurchaseOrderLine.scope_values(ctx))
    return order_dict(ctx, order)


def remove_line(ctx: RequestContext, ref: str, line: int) -> dict[str, Any]:
    """Take a line off a draft order; the others keep their numbers."""
    order = _draft(ctx, ref)
    removed = (PurchaseOrderLine.delete()
               .where(PurchaseOrderLine.order_id == order.id, PurchaseOrderLine.position == line).execute())
    if not removed:
        raise LineNotFound(field_errors={"line": [f"{order_name(order.number)} has no line {line}."]})
    return order_dict(ctx, order)


def place(ctx: RequestContext, ref: str) -> dict[str, Any]:
    """Send the draft to the vendor: its lines are fixed and it takes receipts."""
    order = find_order(ctx, ref)
    name = order_name(order.number)
    if lock(ctx, order) != DRAFT:
        raise OrderNotPlaceable(f"{name} is {order.status}: only a draft is placed",
                                field_errors={"order": [f"Not a draft: {order.status}."]})
    if not PurchaseOrderLine.scoped(ctx).where(PurchaseOrderLine.order_id == order.id).exists():
        raise OrderNotPlaceable(f"{name} has no lines", field_errors={"order": ["Add a line first."]})
    return _set(ctx, order, status=ORDERED, placed_at=ctx.now())


def cancel(ctx: RequestContext, ref: str, reason: str) -> dict[str, Any]:
    """Cancel a draft or a placed order that has received nothing."""
    order = find_order(ctx, ref)
    if lock(ctx, order) not in (DRAFT, ORDERED):
        why = ("units were received: close it instead" if order.status == PARTIALLY_RECEIVED
               else f"it is {order.status}")
        raise OrderNotCancellable(f"{order_name(order.number)} cannot be cancelled: {why}",
                                  field_errors={"order": [why[0].upper() + why[1:] + "."]})
    return _set(ctx, order, status=CANCELLED, reason=reason, ended_at=ctx.now())


def close(ctx: RequestContext, ref: str, reason: str) -> dict[str, Any]:
    """End a partially received order: what has not come is not expected any more."""
    order = find_order(ctx, ref)
    if lock(ctx, order) != PARTIALLY_RECEIVED:
        why = {ORDERED: "nothing was received: cancel it instead", DRAFT: "a draft is cancelled, not closed"}.get(
            order.status, f"it is {order.status}")
        raise OrderNotClosable(f"{order_name(order.number)} cannot be closed: {why}",
                               field_errors={"order": [why[0].upper() + why[1:] + "."]})
    return _set(ctx, order, status=CLOSED, reason=reason, ended_at=ctx.now())


def _set(ctx: RequestContext, order: PurchaseOrder, **values: Any) -> dict[str, Any]:
    for name, value in values.items():
        setattr(order, name, value)
    order.save(only=[getattr(PurchaseOrder, name) for name in values])
    return order_dict(ctx, order)


def get_purchase_order(ctx: RequestContext, ref: str) -> dict[str, Any]:
    """The caller's order with its lines."""
    return order_dict(ctx, find_order(ctx, ref))


def list_purchase_orders(ctx: RequestContext, limit: int, offset: int, vendor: str | None = None,
                         status: str | None = None) -> dict[str, Any]:
    """A page of orders, newest first, by vendor and status; each with its line count and total."""
    query = PurchaseOrder.scoped(ctx).order_by(PurchaseOrder.number.desc())
    if vendor is not None:
        query = query.where(PurchaseOrder.vendor_id == find_party(ctx, vendor, "vendor").id)
    if status is not None:
        query = query.where(PurchaseOrder.status == status)
    orders = list(query.limit(limit).offset(offset))
    ids = [order.id for order in orders]
    lines = _lines(ctx, PurchaseOrderLine.order_id.in_(ids)) if ids else []
    vendors = dict(Party.scoped(ctx, Party.id, Party.name).where(Party.id.in_({o.vendor_id for o in orders})).tuples())
    data = [_summary(order, vendors.get(order.vendor_id, ""), [line for line in lines if line["order_id"] == order.id])
            for order in orders]
    return {"data": data, "total": query.order_by().count(), "limit": limit, "offset": offset}


def _lines(ctx: RequestContext, condition: Any) -> list[dict[str, Any]]:
    """Lines with their item, by order and number; quantities in units, money in the currency."""
    rows = (PurchaseOrderLine.scoped(ctx, PurchaseOrderLine, Item)
            .join(Item, on=(Item.id == PurchaseOrderLine.item_id), attr="item")
            .where(condition).order_by(PurchaseOrderLine.order_id, PurchaseOrderLine.position))
    return [{"order_id": line.order_id, "line": line.position, "item": line.item.sku, "item_id": line.item_id,
             "item_name": line.item.name, "unit": line.item.unit, "tracking": line.item.tracking,
             "quantity": shown(line.quantity), "received": shown(line.received),
             "remaining": shown(line.quantity - line.received), "unit_cost": money(line.unit_cost),
             "amount": money(line.quantity * line.unit_cost // SCALE), "_amount": line.quantity * line.unit_cost // SCALE}
            for line in rows]


def _summary(order: PurchaseOrder, vendor: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": order.id, "name": order_name(order.number), "vendor": vendor, "vendor_id": order.vendor_id,
        "status": order.status, "expected_date": order.expected_date, "reference": order.reference,
        "reason": order.reason, "line_count": len(lines), "total": money(sum(line["_amount"] for line in lines)),
        "created_by": order.created_by, "created_at": order.created_at, "updated_at": order.updated_at,
        "placed_at": order.placed_at, "ended_at": order.ended_at,
    }


def order_dict(ctx: RequestContext, order: PurchaseOrder) -> dict[str, Any]:
    """The order with its lines, as the methods answer it (schema.PurchaseOrderInfo)."""
    lines = _lines(ctx, PurchaseOrderLine.order_id == order.id)
    vendor = Party.scoped(ctx, Party.name).where(Party.id == order.vendor_id).scalar() or ""
    ended = order.status not in (DRAFT, *OPEN)
    shown_lines = [{key: value for key, value in line.items() if key not in ("order_id", "_amount")}
                   | ({"remaining": 0} if ended else {}) for line in lines]
    return {**_summary(order, vendor, lines), "lines": shown_lines}
