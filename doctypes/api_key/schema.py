from __future__ import annotations

from marshmallow import Schema, fields, validate

from traciqo_rpc.records import Name

from .model import SCOPES


class UsageArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=90))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class CreateKeyArgs(Schema):
    name = Name(max_length=80, required=True)
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), load_default=lambda: list(SCOPES),
                         validate=validate.Length(min=1, max=len(SCOPES)))


class KeyRefArgs(Schema):
    api_key = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RotateKeyArgs(Schema):
    api_key = fields.String(load_default=None, validate=validate.Length(min=1, max=64))


ENVIRONMENTS = ("live", "sandbox")


class KeyInfo(Schema):
    """A key as listed: never its secret."""

    api_key = fields.String(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True)
    environment = fields.String(required=True, validate=validate.OneOf(ENVIRONMENTS))
    is_default = fields.Boolean(required=True, data_key="default")
    created_at = fields.DateTime(required=True)
    rotated_at = fields.DateTime(required=True, allow_none=True)
    last_used_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "To the minute."})
    revoked_at = fields.DateTime(required=True, allow_none=True)


class IssuedKey(KeyInfo):
    """A key with its secret, shown this once."""

    api_secret = fields.String(required=True)
    racko_secret = fields.String(required=True, metadata={
        "description": "The secret base64-encoded, as Racko's dashboard shows it: its clients decode it."})


class DayCount(Schema):
    date = fields.Date(required=True)
    count = fields.Integer(required=True)


class MethodCount(Schema):
    method = fields.String(required=True)
    count = fields.Integer(required=True)


class StatusCount(Schema):
    status = fields.Integer(required=True)
    count = fields.Integer(required=True)


class RecentCall(Schema):
    method = fields.String(required=True)
    http_method = fields.String(required=True)
    status = fields.Integer(required=True)
    duration_ms = fields.Float(required=True)
    request_id = fields.String(required=True)
    at = fields.DateTime(required=True)


class ApiUsage(Schema):
    """Calls of the caller's workspace and environment: totals, per day, method and status, the latest."""

    workspace = fields.String(required=True)
    environment = fields.String(required=True, validate=validate.OneOf(ENVIRONMENTS))
    today = fields.Integer(required=True)
    last_7_days = fields.Integer(required=True)
    last_30_days = fields.Integer(required=True)
    days = fields.Integer(required=True)
    per_day = fields.List(fields.Nested(DayCount), required=True)
    per_method = fields.List(fields.Nested(MethodCount), required=True)
    per_status = fields.List(fields.Nested(StatusCount), required=True)
    recent = fields.List(fields.Nested(RecentCall), required=True)
