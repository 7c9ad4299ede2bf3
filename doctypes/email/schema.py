from __future__ import annotations

from marshmallow import Schema, fields, validate

from traciqo_rpc.records import Page

from .model import FAILED, QUEUED, SENT


class EmailInfo(Schema):
    id = fields.Integer(required=True)
    to = fields.String(required=True)
    subject = fields.String(required=True)
    body = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "e.g. warranty_confirmation, warranty_reminder"})
    status = fields.String(required=True, validate=validate.OneOf([QUEUED, SENT, FAILED]))
    send_after = fields.DateTime(required=True)
    sent_at = fields.DateTime(required=True, allow_none=True)
    attempts = fields.Integer(required=True)
    error = fields.String(required=True, allow_none=True)


class EmailPage(Page):
    data = fields.List(fields.Nested(EmailInfo), required=True)
