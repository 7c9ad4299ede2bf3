"""What the sales order methods take and answer. An order is named by its id or its number
(SO-00042, any case); a customer by the party's id or name; an item by its id or SKU."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.lines import NumberedRef, text_lines
from doctypes.item.quantities import Money, Quantity
from doctypes.item.schema import ItemRef
from traciqo_rpc.records import Page, PageArgs

from .model import STATUSES

MAX_LINES = 200  # per order: get_sales_order answers all of them
MAX_LINE_TEXT = 200  # characters of one row of lines_text


def order_field(**kwargs: Any) -> NumberedRef:
    return NumberedRef("SO", "sales order", **kwargs)


def customer_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "A party's id or name; it must have the customer role (upsert_party roles)."}, **kwargs)


class OrderLineArgs(Schema):
    item = ItemRef(required=True, metadata={"description": "The item's id or SKU."})
    quantity = Quantity(required=True, metadata={"description": "Units ordered; whole units for a serial-tracked item."})
    unit_price = Money(sign="not negative", load_default=0, metadata={"description": "Price of one unit."})


class CreateSalesOrderArgs(Schema):
    customer = customer_field(required=True)
    lines = fields.List(fields.Nested(OrderLineArgs), load_default=None, validate=validate.Length(min=1, max=MAX_LINES))
    # A form's textarea cannot post a list of objects: the dashboard sends this instead.
    lines_text = fields.String(validate=validate.Length(max=MAX_LINES * MAX_LINE_TEXT), metadata={
        "description": "Instead of lines: one line a row, 'ITEM QUANTITY [UNIT_PRICE]' (blank rows skipped)."})
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=140), metadata={
        "description": "The customer's own order number."})
    ship_to = fields.String(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "The delivery address, as text."})
    confirm = fields.Boolean(load_default=False, metadata={"description": "true: confirmed at once (ready to ship)."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if (data.get("lines") is None) == ("lines_text" not in data):
            raise ValidationError("Send lines or lines_text.", "lines")

    @post_load
    def _rows(self, data: dict, **_: object) -> dict:
        """lines_text as lines, each row checked as a line of `lines` is."""
        text = data.pop("lines_text", None)
        if text is None:
            return data
        lines = text_lines(text, OrderLineArgs, ("item", "quantity", "unit_price"), MAX_LINES, max_row=MAX_LINE_TEXT)
        return {**data, "lines": lines}


class OrderRefArgs(Schema):
    order = order_field(required=True)


class CloseOrderArgs(OrderRefArgs):
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class ListSalesOrdersArgs(PageArgs):
    customer = customer_field()
    status = fields.String(validate=validate.OneOf(STATUSES))


class Customer(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class OrderLineInfo(Schema):
    line = fields.Integer(required=True, metadata={"description": "The line's position (1, 2 ...), as shipments name it."})
    item = fields.String(required=True, metadata={"description": "The item's SKU."})
    item_id = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    tracking = fields.String(required=True)
    quantity = fields.Float(required=True)
    shipped = fields.Float(required=True)
    remaining = fields.Float(required=True)
    unit_price = fields.Float(required=True)
    amount = fields.Float(required=True, metadata={"description": "quantity x unit_price"})


class SalesOrderInfo(Schema):
    id = fields.String(required=True)
    number = fields.String(required=True, metadata={"description": "SO-00042"})
    customer = fields.Nested(Customer, required=True)
    reference = fields.String(required=True, allow_none=True)
    ship_to = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    lines = fields.List(fields.Nested(OrderLineInfo), required=True)
    total = fields.Float(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    confirmed_at = fields.DateTime(required=True, allow_none=True)
    cancelled_at = fields.DateTime(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={"description": "Why it was closed."})


class SalesOrderPage(Page):
    data = fields.List(fields.Nested(SalesOrderInfo), required=True)
