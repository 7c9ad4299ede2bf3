from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import Name, Page, PageArgs

from .labels import DEFAULT_LAYOUT, LAYOUTS, MAX_LABELS
from .model import ACTIVE, VOID

MAX_CODES_PER_CALL = 100_000


class CreateCodeArgs(Schema):
    batch_name = Name(max_length=140, required=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_CODES_PER_CALL))
    product_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    is_sandbox = fields.Boolean(load_default=False)


class CodeArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))


class VoidCodeArgs(CodeArgs):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))


class BatchArgs(Schema):
    batch = fields.String(required=True, validate=validate.Length(min=1, max=140))


class LabelSheetArgs(BatchArgs):
    layout = fields.String(load_default=DEFAULT_LAYOUT, validate=validate.OneOf(
        list(LAYOUTS), error=f"One of: {', '.join(LAYOUTS)}."))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000), metadata={
        "description": f"Labels to skip: a sheet holds at most {MAX_LABELS}, so print a large batch in parts."})


class ListCodesArgs(PageArgs):
    batch = fields.String(validate=validate.Length(min=1, max=140))
    product_id = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf([ACTIVE, VOID]))


class ListBatchesArgs(PageArgs):
    product_id = fields.String(validate=validate.Length(min=1, max=64))


class QrArgs(CodeArgs):
    format = fields.String(load_default="png", validate=validate.OneOf(["png", "svg"]))
    size = fields.Integer(load_default=300, validate=validate.Range(min=64, max=2048))


class CountryCode(fields.String):
    """A two-letter ISO country code in any case, loaded upper case (a field, not a post_load
    hook: hooks cost every scan's validation a sixth more)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(r"^[A-Za-z]{2}$", error="Two-letter ISO country code."), **kwargs)

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: object) -> str:
        return super()._deserialize(value, attr, data, **kwargs).upper()


class VerifyArgs(Schema):
    # Anything may be typed here; it only has to fit in a reasonable length.
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-180, max=180))
    country = CountryCode(load_default=None, allow_none=True)

    @validates_schema
    def _both_coordinates(self, data: dict, **_: object) -> None:
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("Send lat and lon together.", "lat")


class CodesIssued(Schema):
    status = fields.String(required=True, validate=validate.Equal("success"))
    batch = fields.String(required=True)
    codes = fields.List(fields.String(), required=True, metadata={"description": "As printed, with separators."})


class CodeInfo(Schema):
    code = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([ACTIVE, VOID]))
    batch = fields.String(required=True)
    product_id = fields.String(required=True, allow_none=True)
    scan_count = fields.Integer(required=True)
    first_scanned_at = fields.DateTime(required=True, allow_none=True)
    last_scanned_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    voided_at = fields.DateTime(required=True, allow_none=True)
    void_reason = fields.String(required=True, allow_none=True)
    verification_url = fields.Url(required=True, metadata={"description": "What the label's QR code holds."})


class CodePage(Page):
    data = fields.List(fields.Nested(CodeInfo), required=True)


class BatchInfo(Schema):
    batch = fields.String(required=True)
    product_id = fields.String(required=True, allow_none=True)
    quantity = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class BatchPage(Page):
    data = fields.List(fields.Nested(BatchInfo), required=True)


class BatchSummary(BatchInfo):
    """A batch with its counts of codes."""

    active = fields.Integer(required=True)
    void = fields.Integer(required=True)
    scanned = fields.Integer(required=True)
