from __future__ import annotations

from marshmallow import Schema, fields, validate

from traciqo_rpc.records import PageArgs


class AttachLocationArgs(Schema):
    scan_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


class ListScansArgs(PageArgs):
    code = fields.String(validate=validate.Length(min=1, max=64))
    verdict = fields.String(validate=validate.OneOf(["genuine", "already_verified", "suspicious", "withdrawn"]))
