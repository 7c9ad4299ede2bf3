"""What the purchase order methods take and answer. An order is named by its id or its name
(PO-00042, any case); its lines by their number on it (`line`) or their item (id or SKU)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.lines import NumberedRef, text_lines
from doctypes.item.quantities import Money, Quantity
from doctypes.item.schema import ItemRef
from doctypes.stock.schema import Moved, SerialNumbers
from doctypes.vendor_item.schema import vendor_ref
from traciqo_rpc.records import Page, PageArgs

from .model import STATUSES

MAX_LINES = 200  # on one order (and in one receipt): get_purchase_order answers them all
MAX_LINES_TEXT = MAX_LINES * 200  # a form's lines, one a line: an SKU, a quantity and a cost, with room


def _order(**kwargs: Any) -> NumberedRef:
    return NumberedRef("PO", "purchase order", required=True, **kwargs)


def _line_number(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=10**6), metadata={
        "description": "The line's number on the order (1, 2, 3 ...)."}, **kwargs)


def _code(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class OrderLineArgs(Schema):
    item = ItemRef(required=True, metadata={"description": "The item's id or SKU."})
    quantity = Quantity(required=True)
    unit_cost = Money(sign="not negative", load_default=None, allow_none=True, metadata={
        "description": "Cost of one unit; none: the vendor's catalogue price (417 when it has none)."})


class CreatePurchaseOrderArgs(Schema):
    vendor = vendor_ref(required=True)
    lines = fields.List(fields.Nested(OrderLineArgs), validate=validate.Length(max=MAX_LINES))
    lines_text = fields.String(validate=validate.Length(max=MAX_LINES_TEXT), metadata={
        "description": "Instead of lines (a form): one a line, 'SKU quantity [unit cost]'."})
    expected_date = fields.Date(load_default=None, allow_none=True)
    reference = _code(140, load_default=None, allow_none=True, metadata={
        "description": "The vendor's quote or confirmation number."})

    @post_load
    def _text_lines(self, data: dict, **_: object) -> dict:
        """lines_text as lines, each line checked as `lines` are; an order may start empty (a draft)."""
        text = data.pop("lines_text", None)
        if text is None:
            return {**data, "lines": data.get("lines") or []}
        if data.get("lines"):
            raise ValidationError("Send lines or lines_text.", "lines")
        lines = text_lines(text, OrderLineArgs, ("item", "quantity", "unit_cost"), MAX_LINES, min_lines=0)
        return {**data, "lines": lines}


class OrderRefArgs(Schema):
    order = _order()


class AddLineArgs(OrderLineArgs):
    order = _order()


class LineRefArgs(Schema):
    order = _order()
    line = _line_number(required=True)


class EndOrderArgs(Schema):
    order = _order()
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class ListPurchaseOrdersArgs(PageArgs):
    vendor = vendor_ref()
    status = fields.String(validate=validate.OneOf(STATUSES))


class ReceiptLineArgs(SerialNumbers):
    """One line's units: the line (by number or item), a quantity or serial numbers, a batch."""

    line = _line_number()
    item = ItemRef(metadata={"description": "Instead of line: the item on the order (its id or SKU)."})
    quantity = Quantity(load_default=None, allow_none=True, metadata={
        "description": "How many came; a serial-tracked item's are its serial_numbers."})
    batch = _code(64, load_default=None, allow_none=True)

    @validates_schema
    def _one_line(self, data: dict, **_: object) -> None:
        if ("line" in data) == ("item" in data):
            raise ValidationError("Name the line or its item (one of them).", "line")


class ReceivePurchaseOrderArgs(ReceiptLineArgs):
    """`lines`, or (a form posts one line) that line's fields beside the order's."""

    order = _order()
    warehouse = _code(32, required=True)
    bin = _code(32, load_default=None, allow_none=True, metadata={"description": "Default: the warehouse's MAIN bin."})
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    lines = fields.List(fields.Nested(ReceiptLineArgs), validate=validate.Length(min=1, max=MAX_LINES))

    @validates_schema
    def _one_line(self, data: dict, **_: object) -> None:
        shorthand = {"line", "item", "quantity", "batch", "serial_numbers", "serial_numbers_text"} & {
            name for name, value in data.items() if value is not None}
        if "lines" in data and shorthand:
            raise ValidationError(f"Send lines, or one line's fields; not both ({', '.join(sorted(shorthand))}).", "lines")
        if "lines" not in data and ("line" in data) == ("item" in data):
            raise ValidationError("Send lines, or name one line (line or item).", "lines")

    @post_load
    def _single_line(self, data: dict, **kwargs: object) -> dict:
        """One line's fields as `lines` (its serial_numbers_text read as SerialNumbers reads it)."""
        data = self._lines(data, **kwargs)  # a no-op once SerialNumbers' own hook has run
        single = {name: data.pop(name) for name in ("line", "item", "quantity", "batch", "serial_numbers")
                  if name in data}
        return data if "lines" in data else {**data, "lines": [single]}


class LineInfo(Schema):
    line = fields.Integer(required=True)
    item = fields.String(required=True, metadata={"description": "The item's SKU."})
    item_id = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    tracking = fields.String(required=True)
    quantity = fields.Float(required=True)
    received = fields.Float(required=True)
    remaining = fields.Float(required=True, metadata={"description": "Still to come (0 once closed or cancelled)."})
    unit_cost = fields.Float(required=True)
    amount = fields.Float(required=True, metadata={"description": "quantity x unit_cost"})


class OrderSummary(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "PO-00042"})
    vendor = fields.String(required=True, metadata={"description": "The vendor's name."})
    vendor_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    expected_date = fields.Date(required=True, allow_none=True)
    reference = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={"description": "Why it was cancelled or closed."})
    line_count = fields.Integer(required=True)
    total = fields.Float(required=True, metadata={"description": "The lines' amounts added up."})
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    placed_at = fields.DateTime(required=True, allow_none=True)
    ended_at = fields.DateTime(required=True, allow_none=True)


class PurchaseOrderInfo(OrderSummary):
    lines = fields.List(fields.Nested(LineInfo), required=True)


class Received(PurchaseOrderInfo):
    moves = fields.List(fields.Nested(Moved), required=True, metadata={"description": "The stock receipts posted."})


class PurchaseOrderPage(Page):
    data = fields.List(fields.Nested(OrderSummary), required=True)
