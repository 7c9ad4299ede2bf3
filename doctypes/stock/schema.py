"""What the stock methods take and answer. Items are named by id or SKU, warehouses by id or
code, bins by code (none: the warehouse's MAIN bin)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.quantities import Money, Quantity, Scaled
from traciqo_rpc.records import Page, PageArgs, UtcDateTime

from .model import KINDS

MAX_SERIALS_PER_MOVE = 1000
MAX_SERIALS_TEXT = MAX_SERIALS_PER_MOVE * 128  # 1,000 lines of a serial number, with room for spaces and line ends
_SERIAL = validate.Length(min=1, max=100)


def _code(max_length: int, **kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)  # type: ignore[arg-type]


class Where(Schema):
    item = _code(64, required=True)
    warehouse = _code(32, required=True)
    bin = _code(32, load_default=None, allow_none=True)
    batch = _code(64, load_default=None, allow_none=True)
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    reference = _code(140, load_default=None, allow_none=True)


class SerialNumbers(Schema):
    """A serial-tracked item's units: `serial_numbers`, or (a form's textarea cannot post a list)
    `serial_numbers_text`, one a line."""

    serial_numbers = fields.List(fields.String(validate=_SERIAL), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_SERIALS_PER_MOVE))
    serial_numbers_text = fields.String(validate=validate.Length(max=MAX_SERIALS_TEXT), metadata={
        "description": "Instead of serial_numbers: one serial number a line (blank lines skipped)."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if data.get("serial_numbers") is not None and "serial_numbers_text" in data:
            raise ValidationError("Send serial_numbers or serial_numbers_text.", "serial_numbers")

    @post_load
    def _lines(self, data: dict, **_: object) -> dict:
        """serial_numbers_text as serial_numbers, each line trimmed and checked as serial_numbers' are."""
        text = data.pop("serial_numbers_text", None)
        if text is None:
            return data
        lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not 1 <= len(lines) <= MAX_SERIALS_PER_MOVE:
            raise ValidationError(f"Give 1 to {MAX_SERIALS_PER_MOVE:,} serial numbers, one a line.",
                                  "serial_numbers_text")
        for number, line in lines:
            if len(line) > 100:
                raise ValidationError(f"Line {number}: at most 100 characters.", "serial_numbers_text")
        return {**data, "serial_numbers": [line for _, line in lines]}


class Units(SerialNumbers):
    """How many: a quantity, or (serial-tracked items) the serial numbers, one unit each."""

    quantity = Quantity(load_default=None, allow_none=True)


class ReceiveArgs(Where, Units):
    unit_cost = Money(sign="not negative", load_default=None, allow_none=True,
                      metadata={"description": "Cost of one unit; none: the item's current average cost."})


class IssueArgs(Where, Units):
    pass


class TransferArgs(Units):
    item = _code(64, required=True)
    from_warehouse = _code(32, required=True)
    from_bin = _code(32, load_default=None, allow_none=True)
    to_warehouse = _code(32, required=True)
    to_bin = _code(32, load_default=None, allow_none=True)
    batch = _code(64, load_default=None, allow_none=True)
    reason = fields.String(load_default="", validate=validate.Length(max=255))
    reference = _code(140, load_default=None, allow_none=True)


class AdjustArgs(Where, SerialNumbers):
    change = Scaled("not zero", required=True, metadata={"description": "Units found (positive) or lost (negative)."})


class CountArgs(Where):
    counted = Quantity(positive=False, required=True)


class GetStockArgs(Schema):
    item = _code(64, required=True)
    warehouse = _code(32, load_default=None, allow_none=True)


class ListLedgerArgs(PageArgs):
    item = _code(64)
    warehouse = _code(32)
    kind = fields.String(validate=validate.OneOf(KINDS))
    order = fields.String(load_default="-created", validate=validate.OneOf(["-created", "created"]))
    since = UtcDateTime(metadata={"description": "Entries made at or after this time."})
    until = UtcDateTime(metadata={"description": "Entries made before this time."})

    @validates_schema
    def _range(self, data: dict, **_: object) -> None:
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("Must be later than since.", "until")


class ValuationArgs(PageArgs):
    warehouse = _code(32, load_default=None, allow_none=True, metadata={
        "description": "Only what is in this warehouse, valued at each item's moving-average cost."})


class BelowReorderArgs(PageArgs):
    pass


class Moved(Schema):
    move = fields.String(required=True, allow_none=True, metadata={
        "description": "The move's id (none: a count that found no difference)."})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    item = fields.String(required=True)
    entries = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    quantity = fields.Float(required=True)
    level_after = fields.Raw(required=True, metadata={
        "description": "The bin's quantity after the move; a transfer's: {source, target}."})
    source = fields.String(metadata={"description": "warehouse/bin the units left"})
    target = fields.String(metadata={"description": "warehouse/bin the units went to"})
    counted = fields.Float()
    expected = fields.Float()
    difference = fields.Float()


class Level(Schema):
    warehouse = fields.String(required=True)
    bin = fields.String(required=True)
    batch = fields.String(required=True, allow_none=True)
    quantity = fields.Float(required=True)


class Stock(Schema):
    item = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    tracking = fields.String(required=True)
    quantity = fields.Float(required=True)
    value = fields.Float(required=True)
    average_cost = fields.Float(required=True, allow_none=True)
    reorder_level = fields.Float(required=True)
    below_reorder_level = fields.Boolean(required=True)
    levels = fields.List(fields.Nested(Level), required=True)
    serials_in_stock = fields.Integer()


class Entry(Schema):
    id = fields.Integer(required=True)
    move = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    item = fields.String(required=True)
    warehouse = fields.String(required=True)
    bin = fields.String(required=True)
    batch = fields.String(required=True, allow_none=True)
    serial = fields.String(required=True, allow_none=True)
    quantity = fields.Float(required=True)
    level_after = fields.Float(required=True)
    value_change = fields.Float(required=True)
    reason = fields.String(required=True)
    reference = fields.String(required=True, allow_none=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class LedgerPage(Page):
    data = fields.List(fields.Nested(Entry), required=True)


class Valued(Schema):
    item = fields.String(required=True, metadata={"description": "SKU"})
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Float(required=True)
    value = fields.Float(required=True)
    average_cost = fields.Float(required=True, allow_none=True, metadata={
        "description": "The moving-average cost of one unit; none while the item holds nothing."})


class Valuation(Page):
    data = fields.List(fields.Nested(Valued), required=True)
    warehouse = fields.String(required=True, allow_none=True)
    total_value = fields.Float(required=True, metadata={"description": "The value of every item, not only this page's."})


class Short(Schema):
    item = fields.String(required=True, metadata={"description": "SKU"})
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Float(required=True)
    reorder_level = fields.Float(required=True)
    shortfall = fields.Float(required=True, metadata={"description": "reorder_level - quantity"})


class BelowReorderPage(Page):
    data = fields.List(fields.Nested(Short), required=True)
