from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from traciqo_rpc.records import Name, Page, PageArgs

from .model import DEFAULT_BIN

MAX_NEW_BINS = 100  # bin codes one create_warehouse call takes besides the default bin
_CODE = re.compile(r"[A-Za-z0-9._-]{1,32}")
_CODE_RULE = "1-32 letters, digits, '-', '_' or '.'."


class Code(fields.String):
    """A warehouse or bin code: surrounding spaces trimmed, checked as sent (ASCII only, so no
    character becomes a letter by changing case), then upper-cased: codes are printed on labels
    and "main" is the MAIN bin."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _CODE.fullmatch(text):
            raise ValidationError(_CODE_RULE)
        return text.upper()


class Ref(fields.String):
    """A warehouse by id or code (the service tries the id, then the code in upper case)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _CODE.fullmatch(text):
            raise ValidationError("A warehouse's id or code: " + _CODE_RULE)
        return text


def _warehouse(**kwargs: Any) -> Ref:
    return Ref(required=True, metadata={"description": "The warehouse's id or code (any case)."}, **kwargs)


def _bin(**kwargs: Any) -> Code:
    return Code(data_key="bin", metadata={"description": f"The bin's code (any case); {DEFAULT_BIN} is the default bin."},
                **kwargs)


class CreateWarehouseArgs(Schema):
    code = Code(required=True, metadata={"description": "Unique in the workspace and environment; stored upper-case."})
    name = Name(required=True)
    address = fields.String(load_default="", validate=validate.Length(max=2000))
    bins = fields.List(Code(), load_default=list, validate=validate.Length(max=MAX_NEW_BINS), metadata={
        "description": f"Bin codes to create besides {DEFAULT_BIN}, which every warehouse has; repeats count once."})
    # A form's textarea cannot post a list: the dashboard sends this instead.
    bins_text = fields.String(validate=validate.Length(max=MAX_NEW_BINS * 64), metadata={
        "description": "Instead of bins: one bin code a line (blank lines skipped)."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if data.get("bins") and "bins_text" in data:
            raise ValidationError("Send bins or bins_text.", "bins")

    @post_load
    def _lines(self, data: dict, **_: object) -> dict:
        """bins_text as bins, each line checked as a bin code."""
        text = data.pop("bins_text", None)
        if text is None:
            return data
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) > MAX_NEW_BINS:
            raise ValidationError(f"At most {MAX_NEW_BINS} bins, one a line.", "bins_text")
        codes = []
        for number, line in lines:
            try:
                codes.append(Code().deserialize(line))
            except ValidationError as exc:
                raise ValidationError(f"Line {number}: {' '.join(map(str, exc.messages))}", "bins_text") from None
        return {**data, "bins": codes}


class WarehouseRefArgs(Schema):
    warehouse = _warehouse()


class UpdateWarehouseArgs(WarehouseRefArgs):
    name = Name()
    address = fields.String(validate=validate.Length(max=2000))
    active = fields.Boolean(metadata={"description": "false: its bins take no stock and no changes until reactivated."})

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if set(data) == {"warehouse"}:
            raise ValidationError("Send name, address or active to change.", "warehouse")


class ListWarehousesArgs(PageArgs):
    search = fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "A part of the code or the name."})
    active = fields.Boolean()
    order = fields.String(load_default="code", validate=validate.OneOf(["code", "-code", "created", "-created"]))


class AddBinArgs(WarehouseRefArgs):
    bin_code = _bin(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=255))


class BinRefArgs(WarehouseRefArgs):
    bin_code = _bin(required=True)


class ListBinsArgs(PageArgs):
    warehouse = _warehouse()
    active = fields.Boolean()


class BinInfo(Schema):
    id = fields.Integer(required=True)
    warehouse_id = fields.String(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    default = fields.Boolean(required=True, metadata={"description": f"The warehouse's {DEFAULT_BIN} bin."})
    created_at = fields.DateTime(required=True)


class WarehouseInfo(Schema):
    id = fields.String(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)


class WarehouseDetail(WarehouseInfo):
    bins = fields.List(fields.Nested(BinInfo), required=True, metadata={"description": "By code."})


class WarehousePage(Page):
    data = fields.List(fields.Nested(WarehouseInfo), required=True)


class BinPage(Page):
    data = fields.List(fields.Nested(BinInfo), required=True)
