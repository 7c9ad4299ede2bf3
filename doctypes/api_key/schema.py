from __future__ import annotations

from marshmallow import Schema, fields, validate


class UsageArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=90))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
