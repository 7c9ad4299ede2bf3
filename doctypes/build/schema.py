"""What the build methods take and answer. Items are named by id or SKU, a BOM and a build by
id, warehouses by id or code, bins by code."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.item.quantities import Quantity
from doctypes.item.schema import ItemRef
from traciqo_rpc.records import Page, PageArgs

from .model import STATUSES

MAX_UNITS = 10_000  # serial numbers or codes one build makes (one each per unit)
MAX_COMPONENT_SERIALS = 10_000
_SERIAL = validate.Length(min=1, max=100)
_PREFIX = re.compile(r"[A-Za-z0-9._/-]{1,60}")


def _code(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class Source(Schema):
    """What to build and where its components come from: `item` (its default BOM) or `bom`."""

    item = ItemRef(metadata={"description": "The item to make (its default BOM); or `bom`."})
    bom = _code(32, metadata={"description": "A BOM version by id; or `item`."})
    quantity = Quantity(required=True, metadata={"description": "How many to make, in the item's unit."})
    warehouse = _code(32, required=True, metadata={"description": "Where the components are taken from."})
    bin = _code(32, load_default=None, allow_none=True, metadata={
        "description": "Take components from this bin only; none: from any bin of the warehouse, in bin code order."})
    explode = fields.Boolean(load_default=False, metadata={
        "description": "true: consume the leaf components of every level (sub-assemblies made on the way); "
                       "false: the BOM's own lines (sub-assemblies from stock)."})
    with_codes = fields.Boolean(load_default=False, metadata={
        "description": "An authentication code per unit, in a code batch linked to the build (the plan's limit applies)."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if ("item" in data) == ("bom" in data):
            raise ValidationError("Send item or bom.", "item")


class PlanBuildArgs(Source):
    pass


class CreateBuildArgs(Source):
    serial_numbers = fields.List(fields.String(validate=_SERIAL), load_default=None, allow_none=True,
                                 validate=validate.Length(min=1, max=MAX_UNITS), metadata={
                                     "description": "A serial-tracked output's serial numbers, one per unit; "
                                                    "or serial_prefix."})
    serial_numbers_text = fields.String(validate=validate.Length(max=MAX_UNITS * 128), metadata={
        "description": "Instead of serial_numbers: one a line (a form's textarea)."})
    serial_prefix = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Instead of serial numbers: generate them, the prefix then a sequence (BK-000001, ...)."})
    output_warehouse = _code(32, load_default=None, allow_none=True, metadata={
        "description": "Where the units go; none: the components' warehouse."})
    output_bin = _code(32, load_default=None, allow_none=True, metadata={"description": "None: MAIN."})
    batch = _code(64, load_default=None, allow_none=True, metadata={"description": "A batch-tracked output's batch."})
    note = fields.String(load_default="", validate=validate.Length(max=255))

    @validates_schema
    def _serials(self, data: dict, **_: object) -> None:
        given = [name for name in ("serial_numbers", "serial_numbers_text", "serial_prefix") if data.get(name) is not None]
        if len(given) > 1:
            raise ValidationError("Send serial_numbers, serial_numbers_text or serial_prefix.", given[0])
        prefix = data.get("serial_prefix")
        if prefix is not None and not _PREFIX.fullmatch(prefix):
            raise ValidationError("1-60 letters, digits, '.', '_', '/' or '-'.", "serial_prefix")

    @post_load
    def _lines(self, data: dict, **kwargs: Any) -> dict:
        """serial_numbers_text as serial_numbers, up to MAX_UNITS lines (blank ones skipped)."""
        text = data.pop("serial_numbers_text", None)
        if text is None:
            return data
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not 1 <= len(lines) <= MAX_UNITS or any(len(line) > 100 for line in lines):
            raise ValidationError(f"Give 1 to {MAX_UNITS:,} serial numbers of at most 100 characters, one a line.",
                                  "serial_numbers_text")
        return {**data, "serial_numbers": lines}


class BuildRefArgs(Schema):
    build = _code(32, required=True, metadata={"description": "The build's id."})


class CompleteBuildArgs(BuildRefArgs):
    components = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                             values=fields.List(fields.String(validate=_SERIAL), validate=validate.Length(min=1)),
                             load_default=dict, metadata={
        "description": "Serial-tracked components' serial numbers to consume, by SKU; a component not named "
                       "is picked in bin code order, then serial number order."})
    component_serials_text = fields.String(validate=validate.Length(max=MAX_COMPONENT_SERIALS * 170), metadata={
        "description": 'Instead of components: one "SKU serial" a line.'})
    reason = fields.String(load_default="", validate=validate.Length(max=255))

    @validates_schema
    def _size(self, data: dict, **_: object) -> None:
        if "component_serials_text" in data and data.get("components"):
            raise ValidationError("Send components or component_serials_text.", "components")
        if sum(len(serials) for serials in data.get("components", {}).values()) > MAX_COMPONENT_SERIALS:
            raise ValidationError(f"At most {MAX_COMPONENT_SERIALS:,} serial numbers.", "components")

    @post_load
    def _text(self, data: dict, **_: object) -> dict:
        text = data.pop("component_serials_text", None)
        if text is None:
            return data
        components: dict[str, list[str]] = {}
        rows = [line.split() for line in text.splitlines() if line.strip()]
        if len(rows) > MAX_COMPONENT_SERIALS or any(len(row) != 2 or len(row[0]) > 64 or len(row[1]) > 100
                                                    for row in rows):
            raise ValidationError('One "SKU serial" a line (two words).', "component_serials_text")
        for sku, serial in rows:
            components.setdefault(sku, []).append(serial)
        return {**data, "components": components}


class CancelBuildArgs(BuildRefArgs):
    reason = fields.String(load_default="", validate=validate.Length(max=255))


class ListBuildsArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    item = ItemRef(metadata={"description": "Builds of this item."})


class Requirement(Schema):
    item = fields.String(required=True)
    name = fields.String(required=True)
    unit = fields.String(required=True)
    tracking = fields.String(required=True)
    needed = fields.Float(required=True)
    available = fields.Float(required=True, allow_none=True, metadata={
        "description": "In the components' warehouse (or bin) now; null once the build is no longer planned."})
    short = fields.Float(required=True, allow_none=True, metadata={"description": "needed - available, at least 0."})


class BuildPlan(Schema):
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    bom = fields.String(required=True)
    bom_version = fields.Integer(required=True)
    quantity = fields.Float(required=True)
    explode = fields.Boolean(required=True)
    warehouse = fields.String(required=True)
    bin = fields.String(required=True, allow_none=True)
    requirements = fields.List(fields.Nested(Requirement), required=True)
    with_codes = fields.Boolean(required=True)
    codes_available = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Live codes the plan still allows; null: no limit (or the sandbox)."})
    ready = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "Nothing short (codes included); null once the build is no longer planned."})


class BuildInfo(BuildPlan):
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    output_warehouse = fields.String(required=True)
    output_bin = fields.String(required=True)
    serial_numbers = fields.List(fields.String(), required=True)
    batch = fields.String(required=True, allow_none=True)
    code_batch = fields.String(required=True, allow_none=True)
    consumed_value = fields.Float(required=True)
    unit_cost = fields.Float(required=True, allow_none=True)
    note = fields.String(required=True)
    created_by = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)
    cancelled_at = fields.DateTime(required=True, allow_none=True)


class BuildCompleted(BuildInfo):
    codes = fields.List(fields.String(), required=True, metadata={
        "description": "The codes issued, one per unit, in the order of serial_numbers (empty without with_codes)."})


class BuildSummary(Schema):
    id = fields.String(required=True)
    item = fields.String(required=True)
    item_name = fields.String(required=True)
    quantity = fields.Float(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class BuildPage(Page):
    data = fields.List(fields.Nested(BuildSummary), required=True)
