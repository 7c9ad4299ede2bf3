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
