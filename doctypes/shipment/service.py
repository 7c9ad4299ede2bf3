"""Shipments: units of a confirmed sales order leave a bin, in one transaction with the order.

A shipment locks its order (sales_order.service.lock_shippable), adds each line's units to the
line's shipped quantity in a statement that refuses to pass what was ordered (so racing
shipments never over-ship), issues them from stock (doctypes.stock.service.issue, kind
"shipment": the bin's shortfall is its 417), records the serial-tracked units that left and to
whom, sets the order's status and publishes `Order Shipped`. Any refusal rolls all of it back.

Shipped serials are kept here, not written onto the serial number: whoever registers the unit
gets its warranty (often the customer's own customer), as doctypes/warranty activates it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import find_item
from doctypes.party.model import Party
from doctypes.party.service import find_party
from doctypes.sales_order import service as orders
from doctypes.sales_order.model import SalesOrder, SalesOrderLine
from doctypes.serial_number.model import VOID, SerialNumber
from doctypes.stock import service as stock
from doctypes.warehouse.model import Bin, Warehouse
from traciqo_rpc import errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import paginate, public_id

from .model import PREFIX, Shipment, ShipmentLine, ShipmentSerial


class ShipmentNotFound(errors.DoesNotExistError):
    """No shipment of that id or number in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Shipment not found"


class LineNotOnOrder(errors.ValidationError):
    """A shipment line names a line or an item the order does not have."""


class LineAmbiguous(errors.ValidationError):
    """The item is on more than one open line of the order: the shipment names the line."""


class LineNamedTwice(errors.ValidationError):
    """A shipment names one order line twice."""


class ShipQuantityMissing(errors.ValidationError):
    """A line of an item not tracked by serial number that does not say how many."""


class SerialsNotPicked(errors.ValidationError):
    """A line of a serial-tracked item that does not name the units that leave."""


class SerialsVoided(errors.ValidationError):
    """Serial numbers withdrawn (stolen, scrapped) do not ship."""


def create_shipment(ctx: RequestContext, order: str, warehouse: str, bin: str | None, lines: Sequence[dict[str, Any]],
                    carrier: str, tracking_number: str) -> dict[str, Any]:
    """Ship `lines` of a confirmed order from one bin; 417 past what a line has left or the bin holds."""
    found = orders.find_order(ctx, order)
    orders.lock_shippable(ctx, found)
    place = stock.place_of(ctx, warehouse, bin)
    picks = _picks(ctx, orders.order_lines(ctx, found), lines)
    _refuse_voided(ctx, [serial for _, _, _, serials in picks for serial in serials])
    principal = ctx.require_principal()
    shipment = orders.create_numbered(
        ctx, Shipment, id=public_id(), order_id=found.id, customer_id=found.customer_id, warehouse_id=place.warehouse.id,
        bin_id=place.bin.id, carrier=carrier, tracking_number=tracking_number,
        created_by=principal.user_email or principal.key_name, created_at=ctx.now())
    customer = find_party(ctx, found.customer_id, "order")
    reason = f"Shipment {number_of(shipment)} of {orders.number_of(found)} to {customer.name}"[:255]
    # One item's stock row is locked per move (doctypes/stock/queries.py); taking items in one
    # order in every shipment keeps two shipments from waiting on each other's items.
    for index, (line, item, quantity, serials) in sorted(enumerate(picks), key=lambda pick: pick[1][1].id):
        orders.ship_line(ctx, line, quantity, item.sku, f"lines.{index}.quantity")
        moved = stock.issue(ctx, item.id, place.warehouse.id, place.bin.code, lines[index]["quantity"] or quantity,
                            lines[index]["batch"], serials or None, reason, number_of(shipment), kind="shipment")
        shipped = ShipmentLine.create(shipment_id=shipment.id, order_line_id=line.id, position=line.position,
                                      item_id=item.id, quantity=quantity, batch=lines[index]["batch"] or "",
                                      move_id=moved["move"], **ShipmentLine.scope_values(ctx))
        if serials:
            ShipmentSerial.insert_many([
                {"shipment_id": shipment.id, "shipment_line_id": shipped.id, "item_id": item.id, "serial": serial,
                 "customer_id": found.customer_id, **ShipmentSerial.scope_values(ctx)} for serial in serials]).execute()
    orders.set_status(ctx, found)
    answer = shipments_dicts(ctx, [shipment])[0]
    publish(ctx, "shipment:created", {
        "order": {"id": found.id, "number": orders.number_of(found), "reference": found.reference,
                  "status": found.status, "ship_to": found.ship_to, "customer": answer["customer"]},
        "shipment": {key: answer[key] for key in ("id", "number", "warehouse", "bin", "carrier", "tracking_number",
                                                  "created_by", "created_at")},
        "lines": answer["lines"], "serial_numbers": answer["serial_numbers"]})
    return answer


def _picks(ctx: RequestContext, order_lines: list[SalesOrderLine],
           lines: Sequence[dict[str, Any]]) -> list[tuple[SalesOrderLine, Item, int, list[str]]]:
    """Each line asked for as (order line, item, quantity in thousandths, serials)."""
    items = {item.id: item for item in Item.scoped(ctx).where(Item.id.in_({line.item_id for line in order_lines}))}
    picks, named = [], set()
    for index, asked in enumerate(lines):
        line = _order_line(ctx, order_lines, asked, index)
        if line.id in named:
            raise LineNamedTwice(f"Line {line.position} is named twice",
                                 field_errors={f"lines.{index}.line": ["Named twice: ship its units in one line."]})
        named.add(line.id)
        serials, item = list(asked["serial_numbers"] or ()), items[line.item_id]
        if item.tracking == "serial" and not serials:
            raise SerialsNotPicked(f"Line {line.position} ({item.sku}): name the serial numbers that leave",
                                   field_errors={f"lines.{index}.serial_numbers": ["Required for a serial-tracked item."]})
        quantity = len(serials) * SCALE if serials else asked["quantity"]
        if quantity is None:
            raise ShipQuantityMissing(f"Line {line.position}: say how many",
                                      field_errors={f"lines.{index}.quantity": ["Missing data for required field."]})
        picks.append((line, item, quantity, serials))
    return picks


def _order_line(ctx: RequestContext, order_lines: list[SalesOrderLine], asked: dict[str, Any],
                index: int) -> SalesOrderLine:
    """The order line a shipment line names: by `line`, or by `item` when one open line has it."""
    field = f"lines.{index}.line"
    if asked.get("line") is not None:
        matching = [line for line in order_lines if line.position == asked["line"]]
        if not matching:
            raise LineNotOnOrder(f"The order has no line {asked['line']}",
                                 field_errors={field: [f"The order has lines 1 to {len(order_lines)}."]})
        if asked.get("item") and find_item(ctx, asked["item"], f"lines.{index}.item").id != matching[0].item_id:
            raise LineNotOnOrder(f"Line {asked['line']} is of another item",
                                 field_errors={f"lines.{index}.item": ["Not the item of that line."]})
        return matching[0]
    item = find_item(ctx, asked["item"], f"lines.{index}.item")
    matching = [line for line in order_lines if line.item_id == item.id]
    if not matching:
        raise LineNotOnOrder(f"{item.sku} is not on the order",
                             field_errors={f"lines.{index}.item": ["Not on the order."]})
    open_lines = [line for line in matching if line.shipped < line.quantity]
    if len(matching) > 1 and len(open_lines) != 1:
        positions = ", ".join(str(line.position) for line in matching)
        raise LineAmbiguous(f"{item.sku} is on lines {positions}: name the line",
                            field_errors={field: [f"{item.sku} is on lines {positions}."]})
    return open_lines[0] if open_lines else matching[0]


def _refuse_voided(ctx: RequestContext, serials: list[str]) -> None:
    if not serials:
        return
    voided = [serial for (serial,) in SerialNumber.scoped(ctx, SerialNumber.serial)
              .where(SerialNumber.serial.in_(serials), SerialNumber.status == VOID).tuples()]
    if voided:
        raise SerialsVoided(f"Voided serial numbers do not ship: {', '.join(sorted(voided)[:20])}",
                            field_errors={"lines": [f"Voided: {', '.join(sorted(voided)[:20])}."]})


def find_shipment(ctx: RequestContext, ref: str) -> Shipment:
    """The caller's shipment by id or number (SH-00042, any case); 404."""
    ref = ref.strip()
    digits = ref[len(PREFIX):]
    if ref.upper().startswith(PREFIX) and digits.isascii() and digits.isdigit() and len(digits) <= 9:
        shipment = Shipment.scoped(ctx).where(Shipment.number == int(digits)).first()
    else:
        shipment = Shipment.scoped(ctx).where(Shipment.id == ref).first()
    if shipment is None:
        raise ShipmentNotFound(field_errors={"shipment": [f"No shipment {ref[:64]!r} in this workspace."]})
    return shipment


def get_shipment(ctx: RequestContext, ref: str) -> dict[str, Any]:
    return shipments_dicts(ctx, [find_shipment(ctx, ref)])[0]


def list_shipments(ctx: RequestContext, limit: int, offset: int, order: str | None = None, customer: str | None = None,
                   serial_number: str | None = None) -> dict[str, Any]:
    """A page of the caller's shipments, newest first: of an order, a customer, or with a unit."""
    query = Shipment.scoped(ctx).order_by(Shipment.id.desc())
    if order:
        query = query.where(Shipment.order_id == orders.find_order(ctx, order).id)
    if customer:
        query = query.where(Shipment.customer_id == find_party(ctx, customer, "customer").id)
    if serial_number:
        query = query.where(Shipment.id.in_(ShipmentSerial.scoped(ctx, ShipmentSerial.shipment_id)
                                            .where(ShipmentSerial.serial == serial_number)))
    page = paginate(query, limit, offset, lambda shipment: shipment)
    page["data"] = shipments_dicts(ctx, page["data"])
    return page


def number_of(shipment: Shipment) -> str:
    return f"{PREFIX}{shipment.number:05d}"


def shipments_dicts(ctx: RequestContext, shipments: list[Shipment]) -> list[dict[str, Any]]:
    """The shipments as answered; what they name is read in one query per table."""
    if not shipments:
        return []
    ids = [shipment.id for shipment in shipments]
    lines: dict[str, list[ShipmentLine]] = {}
    for line in ShipmentLine.scoped(ctx).where(ShipmentLine.shipment_id.in_(ids)).order_by(ShipmentLine.id):
        lines.setdefault(line.shipment_id, []).append(line)
    serials: dict[int, list[str]] = {}
    for line_id, serial in (ShipmentSerial.scoped(ctx, ShipmentSerial.shipment_line_id, ShipmentSerial.serial)
                            .where(ShipmentSerial.shipment_id.in_(ids)).order_by(ShipmentSerial.id).tuples()):
        serials.setdefault(line_id, []).append(serial)
    skus = dict(Item.scoped(ctx, Item.id, Item.sku).where(
        Item.id.in_({line.item_id for group in lines.values() for line in group} or {""})).tuples())
    found = {o.id: o for o in SalesOrder.scoped(ctx).where(SalesOrder.id.in_({s.order_id for s in shipments}))}
    names = dict(Party.scoped(ctx, Party.id, Party.name).where(Party.id.in_({s.customer_id for s in shipments})).tuples())
    codes = dict(Warehouse.scoped(ctx, Warehouse.id, Warehouse.code)
                 .where(Warehouse.id.in_({s.warehouse_id for s in shipments})).tuples())
    bins = dict(Bin.scoped(ctx, Bin.id, Bin.code).where(Bin.id.in_({s.bin_id for s in shipments})).tuples())
    answers = []
    for shipment in shipments:
        shown_lines = [{"line": line.position, "item": skus.get(line.item_id, ""), "quantity": shown(line.quantity),
                        "batch": line.batch or None, "serial_numbers": serials.get(line.id, []), "move": line.move_id}
                       for line in lines.get(shipment.id, [])]
        order = found[shipment.order_id]
        answers.append({
            "id": shipment.id, "number": number_of(shipment), "order": orders.number_of(order), "order_id": order.id,
            "order_status": order.status, "customer": {"id": shipment.customer_id,
                                                       "name": names.get(shipment.customer_id, "")},
            "warehouse": codes.get(shipment.warehouse_id, ""), "bin": bins.get(shipment.bin_id, ""),
            "carrier": shipment.carrier, "tracking_number": shipment.tracking_number, "lines": shown_lines,
            "serial_numbers": [serial for line in shown_lines for serial in line["serial_numbers"]],
            "created_by": shipment.created_by, "created_at": shipment.created_at,
        })
    return answers
