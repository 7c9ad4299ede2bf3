"""What the BOM methods take and answer. Items are named by id or SKU; a BOM by its id."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.quantities import Quantity
from doctypes.item.schema import ItemRef
from traciqo_rpc.records import Page, PageArgs

MAX_LINES = 200  # per BOM (one level); deeper structure goes in sub-assemblies' own BOMs
MAX_LINES_TEXT = MAX_LINES * 400
_BOM_ID = validate.Length(min=1, max=32)
_NOTE = validate.Length(max=255)


class LineArgs(Schema):
    item = ItemRef(required=True, metadata={"description": "The component's id or SKU."})
    quantity = Quantity(required=True, metadata={"description": "Of the component's unit per unit of the BOM's item "
                                                                 "(0.25 m of cable); up to 3 decimal places."})
    note = fields.String(load_default="", validate=_NOTE)


class Lines(Schema):
    """The components: `lines`, or (a form's textarea cannot post a list) `lines_text`, one
    "SKU quantity [note]" a line."""

    lines = fields.List(fields.Nested(LineArgs), validate=validate.Length(min=1, max=MAX_LINES))
    lines_text = fields.String(validate=validate.Length(max=MAX_LINES_TEXT), metadata={
        "description": 'Instead of lines: one "SKU quantity [note]" a line, e.g. "CABLE 0.25 red lead".'})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if "lines" in data and "lines_text" in data:
            raise ValidationError("Send lines or lines_text.", "lines")

    @post_load
    def _text(self, data: dict, **_: object) -> dict:
        text = data.pop("lines_text", None)
        return data if text is None else {**data, "lines": parse_lines(text)}


def parse_lines(text: str) -> list[dict[str, Any]]:
    """Lines of "SKU quantity [note]" as `lines`, each checked as LineArgs checks them."""
    rows = [(number, line.split(maxsplit=2)) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not 1 <= len(rows) <= MAX_LINES:
        raise ValidationError(f"Give 1 to {MAX_LINES} lines, one component a line.", "lines_text")
    loaded = []
    for number, parts in rows:
        if len(parts) < 2:
            raise ValidationError(f"Line {number}: give the SKU, then the quantity.", "lines_text")
        try:
            loaded.append(LineArgs().load({"item": parts[0], "quantity": parts[1], "note": "".join(parts[2:])}))
        except ValidationError as error:
            messages = error.normalized_messages()
            problems = "; ".join(f"{name}: {' '.join(map(str, texts)) if isinstance(texts, list) else texts}"
                                 for name, texts in (messages.items() if isinstance(messages, dict) else []))
            raise ValidationError(f"Line {number}: {problems}", "lines_text") from None
    return loaded


class CreateBomArgs(Lines):
    item = ItemRef(required=True, metadata={"description": "The item one unit of which the lines make."})
    note = fields.String(load_default="", validate=_NOTE)
    make_default = fields.Boolean(load_default=True, metadata={
        "description": "Make this version the item's default (what builds use); true unless false."})

    @validates_schema
    def _lines(self, data: dict, **_: object) -> None:
        if "lines" not in data and "lines_text" not in data:
            raise ValidationError("Missing data for required field.", "lines")


class BomRefArgs(Schema):
    bom = fields.String(required=True, validate=_BOM_ID, metadata={"description": "The BOM's id."})


class UpdateBomArgs(BomRefArgs, Lines):
    note = fields.String(validate=_NOTE)

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if not {"lines", "lines_text", "note"} & set(data):
            raise ValidationError("Send lines or a note to change.", "bom")


class ListBomsArgs(PageArgs):
    item = ItemRef(metadata={"description": "Only this item's versions, newest first."})
    default_only = fields.Boolean(load_default=False)


class ExplodeArgs(Schema):
    item = ItemRef(metadata={"description": "The item (its default BOM); or `bom`."})
    bom = fields.String(validate=_BOM_ID, metadata={"description": "A BOM by id (any version); or `item`."})
    quantity = Quantity(load_default=1000, metadata={"description": "How many of the item; 1 unless given."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if ("item" in data) == ("bom" in data):
            raise ValidationError("Send item or bom.", "item")


class LineInfo(Schema):
    position = fields.Integer(required=True)
    item = fields.String(required=True, metadata={"description": "The component's SKU."})
    item_id = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Float(required=True, metadata={"description": "Per unit of the BOM's item."})
    note = fields.String(required=True)
    has_bom = fields.Boolean(required=True, metadata={"description": "A sub-assembly: it has a default BOM."})


class BomSummary(Schema):
    id = fields.String(required=True)
    item = fields.String(required=True, metadata={"description": "The item's SKU."})
    item_id = fields.String(required=True)
    item_name = fields.String(required=True)
    version = fields.Integer(required=True)
    is_default = fields.Boolean(required=True)
    locked = fields.Boolean(required=True, metadata={"description": "A build used it: a change is a new version."})
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class BomInfo(BomSummary):
    lines = fields.List(fields.Nested(LineInfo), required=True)


class BomPage(Page):
    data = fields.List(fields.Nested(BomSummary), required=True)


class TreeLine(Schema):
    level = fields.Integer(required=True, metadata={"description": "1: the BOM's own lines; 2: a sub-assembly's..."})
    parent = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The index in `tree` of the sub-assembly this line is part of; null at level 1."})
    item = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity_per_unit = fields.Float(required=True, metadata={"description": "Per unit of the parent."})
    quantity = fields.Float(required=True, metadata={"description": "For the quantity asked (rounded up)."})
    note = fields.String(required=True)
    bom = fields.String(required=True, allow_none=True, metadata={"description": "A sub-assembly's default BOM."})
    version = fields.Integer(required=True, allow_none=True)


class Requirement(Schema):
    item = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = fields.Float(required=True)


class LevelRequirements(Schema):
    level = fields.Integer(required=True)
    requirements = fields.List(fields.Nested(Requirement), required=True)


class Explosion(Schema):
    bom = fields.String(required=True)
    item = fields.String(required=True)
    version = fields.Integer(required=True)
    quantity = fields.Float(required=True)
    levels = fields.Integer(required=True, metadata={"description": "How deep the tree goes."})
    tree = fields.List(fields.Nested(TreeLine), required=True, metadata={"description": "Depth first (indented)."})
    per_level = fields.List(fields.Nested(LevelRequirements), required=True)
    direct = fields.List(fields.Nested(Requirement), required=True, metadata={
        "description": "What the top level consumes (sub-assemblies from stock)."})
    leaves = fields.List(fields.Nested(Requirement), required=True, metadata={
        "description": "What all levels consume (components without a BOM of their own)."})
