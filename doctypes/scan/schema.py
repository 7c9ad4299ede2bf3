from __future__ import annotations

from marshmallow import Schema, fields, validate

from traciqo_rpc.records import Page, PageArgs

VERDICTS = ("genuine", "already_verified", "suspicious", "withdrawn")


class AttachLocationArgs(Schema):
    scan_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class ListScansArgs(PageArgs):
    code = fields.String(validate=validate.Length(min=1, max=64))
    verdict = fields.String(validate=validate.OneOf(VERDICTS))


class PublicProduct(Schema):
    """What a consumer may know of the product: no product shows the workspace as brand."""

    name = fields.String(required=True, allow_none=True)
    brand = fields.String(required=True)
    sku = fields.String(required=True, allow_none=True)
    gtin = fields.String(required=True, allow_none=True)


class Verification(Schema):
    """A scan's verdict; an unknown code answers only genuine: false, status: not_genuine."""

    genuine = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["not_genuine", *VERDICTS]))
    code = fields.String()
    product = fields.Nested(PublicProduct)
    batch = fields.String()
    scan_count = fields.Integer()
    first_scanned_at = fields.DateTime()
    reasons = fields.List(fields.String(), metadata={"description": "Why the scan looks suspicious."})
    sandbox = fields.Boolean()
    scan_token = fields.String(metadata={"description": "For attach_location, valid ten minutes."})


class LocationAttached(Schema):
    status = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    genuine = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)


class ScanInfo(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    scanned_at = fields.DateTime(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
    source = fields.String(required=True, validate=validate.OneOf(["api", "page"]))
    ip = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)
    lat = fields.Float(required=True, allow_none=True)
    lon = fields.Float(required=True, allow_none=True)
    country = fields.String(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True, metadata={
        "description": "Why the scan looked like a cloned label (empty unless it did)."})


class ScanPage(Page):
    data = fields.List(fields.Nested(ScanInfo), required=True)
