"""What the shipment methods take and answer. A shipment is named by its id or number (SH-00042);
its order by id or number (SO-00042); each line it ships by the order's `line` (1, 2 ...) or,
when the item is on one open line, by `item`."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.lines import NumberedRef
from doctypes.item.quantities import Quantity
from doctypes.item.schema import ItemRef
from doctypes.sales_order.schema import MAX_LINES, Customer, customer_field, order_field
from doctypes.stock.schema import MAX_SERIALS_PER_MOVE, SerialNumbers
from doctypes.warehouse.schema import Code, Ref
from traciqo_rpc.records import Page, PageArgs

_SERIAL = validate.Length(min=1, max=100)
MAX_SERIALS_PER_SHIPMENT = MAX_SERIALS_PER_MOVE


def _line(description: str = "The order's line (1, 2 ...), as get_sales_order answers it.") -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_LINES), metadata={"description": description})


class ShipmentLineArgs(Schema):
    line = _line()
    item = ItemRef(metadata={"description": "Instead of line: the item's id or SKU, if it is on one open line."})
    quantity = Quantity(load_default=None, allow_none=True, metadata={
        "description": "Units shipped; for a serial-tracked item, leave it out (one per serial number)."})
    batch = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    serial_numbers = fields.List(fields.String(validate=_SERIAL), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_SERIALS_PER_MOVE), metadata={
                                     "description": "The units that leave (picking), for a serial-tracked item."})

    @validates_schema
    def _which(self, data: dict, **_: object) -> None:
        if data.get("line") is None and data.get("item") is None:
            raise ValidationError("Name the order's line or the item.", "line")


class CreateShipmentArgs(Schema):
    order = order_field(required=True)
    warehouse = Ref(required=True, metadata={"description": "The warehouse the units leave: its id or code."})
    bin = Code(load_default=None, allow_none=True, metadata={"description": "The bin's code; default MAIN."})
    lines = fields.List(fields.Nested(ShipmentLineArgs), load_default=None, allow_none=True,
                        validate=validate.Length(min=1, max=MAX_LINES))
    # One line without a list (a dashboard form posts flat fields): line, quantity, batch and the
    # serial numbers, or serial_numbers_text one a line.
    line = _line("Instead of lines: ship this one line (with quantity, batch, serial_numbers).")
    quantity = Quantity(load_default=None, allow_none=True)
    batch = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    serial_numbers = fields.List(fields.String(validate=_SERIAL), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_SERIALS_PER_MOVE))
    serial_numbers_text = fields.String(validate=validate.Length(max=MAX_SERIALS_PER_MOVE * 128), metadata={
        "description": "Instead of serial_numbers (with line): one serial number a line."})
    carrier = fields.String(load_default="", validate=validate.Length(max=140))
    tracking_number = fields.String(load_default="", validate=validate.Length(max=140))

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        single = {"line", "quantity", "batch", "serial_numbers", "serial_numbers_text"}
        if data.get("lines") is not None:
            if any(data.get(name) is not None for name in single):
                raise ValidationError("Send lines, or one line's fields, not both.", "lines")
        elif data.get("line") is None:
            raise ValidationError("Send lines, or the line to ship.", "lines")

    @post_load
    def _as_lines(self, data: dict, **_: object) -> dict:
        """The one line's fields as `lines`; at most MAX_SERIALS_PER_SHIPMENT serials in all."""
        if data.get("lines") is None:
            picked = SerialNumbers().load({key: data[key] for key in ("serial_numbers", "serial_numbers_text")
                                           if data.get(key) is not None})
            data["lines"] = [{"line": data["line"], "item": None, "quantity": data["quantity"],
                              "batch": data["batch"], "serial_numbers": picked.get("serial_numbers")}]
        for name in ("line", "quantity", "batch", "serial_numbers", "serial_numbers_text"):
            data.pop(name, None)
        if sum(len(line.get("serial_numbers") or ()) for line in data["lines"]) > MAX_SERIALS_PER_SHIPMENT:
            raise ValidationError(f"At most {MAX_SERIALS_PER_SHIPMENT:,} serial numbers per shipment.", "lines")
        return data


class ShipmentRefArgs(Schema):
    shipment = NumberedRef("SH", "shipment", required=True)


class ListShipmentsArgs(PageArgs):
    order = order_field()
    customer = customer_field()
    serial_number = fields.String(validate=_SERIAL, metadata={
        "description": "Shipments that took this serial-tracked unit (where it went, to whom)."})


class ShippedLine(Schema):
    line = fields.Integer(required=True)
    item = fields.String(required=True, metadata={"description": "The item's SKU."})
    quantity = fields.Float(required=True)
    batch = fields.String(required=True, allow_none=True)
    serial_numbers = fields.List(fields.String(), required=True)
    move = fields.String(required=True, metadata={"description": "The stock move (its ledger entries)."})


class ShipmentInfo(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True, metadata={"description": "SH-00042"})
    order = fields.String(required=True, metadata={"description": "The order's number"})
    order_id = fields.String(required=True)
    order_status = fields.String(required=True, metadata={"description": "The order's status now."})
    customer = fields.Nested(Customer, required=True)
    warehouse = fields.String(required=True)
    bin = fields.String(required=True)
    carrier = fields.String(required=True)
    tracking_number = fields.String(required=True)
    lines = fields.List(fields.Nested(ShippedLine), required=True)
    serial_numbers = fields.List(fields.String(), required=True, metadata={"description": "Every unit that left."})
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class ShipmentPage(Page):
    data = fields.List(fields.Nested(ShipmentInfo), required=True)
