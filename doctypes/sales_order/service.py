"""Sales orders: created for a customer (a party with the customer role) as a draft or confirmed,
confirmed, cancelled while nothing is shipped, closed when shipped in part and the rest will not
ship, read and listed. Shipments (doctypes/shipment)
ship their lines through ship_line and set_status, under lock_shippable's lock.

The status follows from the lines: a draft until confirmed; then confirmed, partially_shipped
or shipped as the lines' shipped quantities reach what was ordered; closed by hand once shipped
in part; cancelled only while nothing has shipped (as in ERPNext, a shipped order is not cancelled: its stock has left)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import require_active_item
from doctypes.party.model import CUSTOMER, Party
from doctypes.party.service import find_party, require_party
from doctypes.stock.model import MONEY_SCALE
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import paginate, public_id
from traciqo_rpc.statements import fetch

from .model import (
    CANCELLED,
    CLOSED,
    CONFIRMED,
    DRAFT,
    PARTIALLY_SHIPPED,
    PREFIX,
    SHIPPABLE,
    SHIPPED,
    SalesOrder,
    SalesOrderLine,
)
from .queries import CANCEL, CLOSE, CONFIRM, LOCK_SHIPPABLE, SHIP_LINE


class SalesOrderNotFound(errors.DoesNotExistError):
    """No sales order of that id or number in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Sales order not found"


class SerialUnitsNotWhole(errors.ValidationError):
    """A line of a serial-tracked item for part of a unit: each unit ships with its serial number."""


class OrderNotConfirmable(errors.ValidationError):
    """Only a draft is confirmed (a cancelled order stays cancelled)."""


class OrderNotCancellable(errors.ValidationError):
    """An order with shipments is not cancelled: its units have left."""


class OrderNotClosable(errors.ValidationError):
    """Only an order shipped in part is closed (cancel one with nothing shipped)."""


class OrderNotShippable(errors.ValidationError):
    """A draft (confirm it first), a cancelled or a fully shipped order ships nothing."""


class OverShipment(errors.ValidationError):
    """A shipment of more than a line has left to ship."""


def create_sales_order(ctx: RequestContext, customer: str, lines: Sequence[dict[str, Any]], reference: str | None,
                       ship_to: str, confirm: bool) -> dict[str, Any]:
    """A new order of active items for a customer, a draft unless `confirm`."""
    party = require_party(ctx, customer, CUSTOMER, "customer")
    items = [require_active_item(ctx, line["item"], f"lines.{index}.item") for index, line in enumerate(lines)]
    for index, (item, line) in enumerate(zip(items, lines, strict=True)):
        if item.tracking == "serial" and line["quantity"] % SCALE:
            raise SerialUnitsNotWhole(f"{item.sku} is serial-tracked: order whole units",
                                      field_errors={f"lines.{index}.quantity": ["Whole units for a serial-tracked item."]})
    now = ctx.now()
    principal = ctx.require_principal()
    order = create_numbered(ctx, SalesOrder, id=public_id(), customer_id=party.id, reference=reference,
                            ship_to=ship_to, status=CONFIRMED if confirm else DRAFT,
                            created_by=principal.user_email or principal.key_name, created_at=now, updated_at=now,
                            confirmed_at=now if confirm else None)
    SalesOrderLine.insert_many([
        {"order_id": order.id, "position": position, "item_id": item.id, "quantity": line["quantity"],
         "unit_price": line["unit_price"], **SalesOrderLine.scope_values(ctx)}
        for position, (item, line) in enumerate(zip(items, lines, strict=True), 1)]).execute()
    return order_dict(ctx, order)


def create_numbered(ctx: RequestContext, model: Any, attempts: int = 50, **values: Any) -> Any:
    """A row with the next `number` of the workspace and environment; the unique index decides a race.
    Each lost attempt means another call's row committed, so many shipments of different orders
    at once may each lose several times: hence the generous `attempts`."""
    for _ in range(attempts):
        number = (model.scoped(ctx, peewee.fn.MAX(model.number)).scalar() or 0) + 1
        try:
            with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
                return model.create(number=number, **values, **model.scope_values(ctx))
        except peewee.IntegrityError:
            continue  # another call took the number: count again
    raise RuntimeError(f"could not number a {model.__name__} after {attempts} attempts")


def find_order(ctx: RequestContext, ref: str, field: str = "order") -> SalesOrder:
    """The caller's order by id or number (SO-00042, any case); 404 naming the argument."""
    ref = ref.strip()
    digits = ref[len(PREFIX):]
    if ref.upper().startswith(PREFIX) and digits.isascii() and digits.isdigit() and len(digits) <= 9:
        order = SalesOrder.scoped(ctx).where(SalesOrder.number == int(digits)).first()
    else:
        order = SalesOrder.scoped(ctx).where(SalesOrder.id == ref).first()
    if order is None:
        raise SalesOrderNotFound(field_errors={field: [f"No sales order {ref[:64]!r} in this workspace."]})
    return order


def get_sales_order(ctx: RequestContext, ref: str) -> dict[str, Any]:
    return order_dict(ctx, find_order(ctx, ref))


def list_sales_orders(ctx: RequestContext, limit: int, offset: int, customer: str | None = None,
                      status: str | None = None) -> dict[str, Any]:
    """A page of the caller's orders, newest first, of one customer and/or status."""
    query = SalesOrder.scoped(ctx).order_by(SalesOrder.id.desc())
    if customer:
        query = query.where(SalesOrder.customer_id == find_party(ctx, customer, "customer").id)
    if status:
        query = query.where(SalesOrder.status == status)
    page = paginate(query, limit, offset, lambda order: order)
    page["data"] = orders_dicts(ctx, page["data"])
    return page


def confirm_sales_order(ctx: RequestContext, ref: str) -> dict[str, Any]:
    """A draft becomes confirmed (ready to ship); an order confirmed already is answered as it is."""
    order = find_order(ctx, ref)
    now = ctx.now()
    if not fetch(CONFIRM, (now, now, order.id), ctx):
        order = find_order(ctx, order.id)  # as the statement found it
        if order.status == CANCELLED:
            raise OrderNotConfirmable(f"{number_of(order)} is cancelled",
                                      field_errors={"order": ["Cancelled: make a new order."]})
    return get_sales_order(ctx, order.id)


def cancel_sales_order(ctx: RequestContext, ref: str) -> dict[str, Any]:
    """Cancel an order while nothing of it has shipped; one cancelled already is answered as it is."""
    order = find_order(ctx, ref)
    now = ctx.now()
    if not fetch(CANCEL, (now, now, order.id), ctx):
        order = find_order(ctx, order.id)
        if order.status != CANCELLED:
            raise OrderNotCancellable(f"{number_of(order)} is {order.status.replace('_', ' ')}: its units have left",
                                      field_errors={"order": ["Shipped in part or whole: it cannot be cancelled."]})
    return get_sales_order(ctx, order.id)


def close_sales_order(ctx: RequestContext, ref: str, reason: str) -> dict[str, Any]:
    """End an order shipped in part: the rest will not ship (as a purchase order is closed).
    One closed already is answered as it is."""
    order = find_order(ctx, ref)
    now = ctx.now()
    if not fetch(CLOSE, (now, now, reason, order.id), ctx):
        order = find_order(ctx, order.id)
        if order.status != CLOSED:
            why = {DRAFT: "nothing has shipped: cancel it instead", CONFIRMED: "nothing has shipped: cancel it instead",
                   SHIPPED: "it has shipped in full", CANCELLED: "it is cancelled"}[order.status]
            raise OrderNotClosable(f"{number_of(order)} cannot be closed: {why}",
                                   field_errors={"order": [f"Not closable: {why}."]})
    return get_sales_order(ctx, order.id)


# -- for shipments ------------------------------------------------------------------------------

def lock_shippable(ctx: RequestContext, order: SalesOrder) -> None:
    """Lock the order until the caller's transaction ends, if it may ship (417 otherwise)."""
    if fetch(LOCK_SHIPPABLE, (ctx.now(), order.id), ctx):
        return
    order = find_order(ctx, order.id)
    why = {DRAFT: "a draft: confirm it first", SHIPPED: "shipped in full", CANCELLED: "cancelled"}
    raise OrderNotShippable(f"{number_of(order)} is {why.get(order.status, order.status)}",
                            field_errors={"order": [f"Not shippable: {why.get(order.status, order.status)}."]})


def order_lines(ctx: RequestContext, order: SalesOrder) -> list[SalesOrderLine]:
    return list(SalesOrderLine.scoped(ctx).where(SalesOrderLine.order_id == order.id)
                .order_by(SalesOrderLine.position))


def ship_line(ctx: RequestContext, line: SalesOrderLine, quantity: int, sku: str, field: str) -> int:
    """Add `quantity` to the line's shipped units, never past what was ordered (417 naming what is left)."""
    rows = fetch(SHIP_LINE, (quantity, line.id, quantity), ctx)
    if rows:
        return int(rows[0][0])
    left = line.quantity - (SalesOrderLine.scoped(ctx, SalesOrderLine.shipped)
                            .where(SalesOrderLine.id == line.id).scalar() or 0)
    raise OverShipment(f"Line {line.position} ({sku}): {shown(left)} left to ship, {shown(quantity)} asked",
                       field_errors={field: [f"Line {line.position} has {shown(left)} left to ship."]})


def set_status(ctx: RequestContext, order: SalesOrder) -> str:
    """The order's status as its lines now say (the caller holds lock_shippable's lock)."""
    status = derived_status(order.status, [(line.quantity, line.shipped) for line in order_lines(ctx, order)])
    if status != order.status:
        SalesOrder.update(status=status).where(SalesOrder.id == order.id).execute()  # found scoped, locked
        order.status = status
    return status


def derived_status(status: str, lines: Iterable[tuple[int, int]]) -> str:
    """What an order's (quantity, shipped) lines make of its status; drafts and cancelled ones stay."""
    if status not in SHIPPABLE:
        return status
    pairs = list(lines)
    if all(shipped >= quantity for quantity, shipped in pairs):
        return SHIPPED
    return PARTIALLY_SHIPPED if any(shipped for _, shipped in pairs) else CONFIRMED


# -- answers ------------------------------------------------------------------------------------

def number_of(order: SalesOrder) -> str:
    return f"{PREFIX}{order.number:05d}"


def order_dict(ctx: RequestContext, order: SalesOrder) -> dict[str, Any]:
    return orders_dicts(ctx, [order])[0]


def orders_dicts(ctx: RequestContext, orders: list[SalesOrder]) -> list[dict[str, Any]]:
    """The orders as answered, their lines, items and customers read in one query each."""
    if not orders:
        return []
    lines: dict[str, list[SalesOrderLine]] = {}
    for line in (SalesOrderLine.scoped(ctx).where(SalesOrderLine.order_id.in_([o.id for o in orders]))
                 .order_by(SalesOrderLine.order_id, SalesOrderLine.position)):
        lines.setdefault(line.order_id, []).append(line)
    item_ids = {line.item_id for group in lines.values() for line in group}
    items = {item.id: item for item in Item.scoped(ctx).where(Item.id.in_(item_ids))} if item_ids else {}
    names = dict(Party.scoped(ctx, Party.id, Party.name).where(Party.id.in_({o.customer_id for o in orders})).tuples())
    return [_order(order, lines.get(order.id, []), items, names.get(order.customer_id, "")) for order in orders]


def _order(order: SalesOrder, lines: list[SalesOrderLine], items: dict[str, Item], customer: str) -> dict[str, Any]:
    shown_lines = [_line(line, items[line.item_id]) for line in lines]
    total = sum(line.quantity * line.unit_price // SCALE for line in lines)
    return {
        "id": order.id, "number": number_of(order), "customer": {"id": order.customer_id, "name": customer},
        "reference": order.reference, "ship_to": order.ship_to, "status": order.status, "lines": shown_lines,
        "total": total / MONEY_SCALE, "created_by": order.created_by, "created_at": order.created_at,
        "updated_at": order.updated_at, "confirmed_at": order.confirmed_at, "cancelled_at": order.cancelled_at,
        "closed_at": order.closed_at, "reason": order.reason,
    }


def _line(line: SalesOrderLine, item: Item) -> dict[str, Any]:
    return {
        "line": line.position, "item": item.sku, "item_id": item.id, "item_name": item.name, "unit": item.unit,
        "tracking": item.tracking, "quantity": shown(line.quantity), "shipped": shown(line.shipped),
        "remaining": shown(line.quantity - line.shipped), "unit_price": line.unit_price / MONEY_SCALE,
        "amount": line.quantity * line.unit_price // SCALE / MONEY_SCALE,
    }
