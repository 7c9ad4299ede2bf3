from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import PageArgs, UtcDateTime

from .model import FAILED, PENDING, SUCCEEDED


class WebhookArgs(Schema):
    url = fields.Url(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000))
    events = fields.List(fields.String(validate=validate.Length(min=1, max=80)), validate=validate.Length(min=1, max=50))
    description = fields.String(validate=validate.Length(max=500))


class CreateWebhookArgs(WebhookArgs):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000))
    events = fields.List(fields.String(validate=validate.Length(min=1, max=80)), required=True,
                         validate=validate.Length(min=1, max=50))


class UpdateWebhookArgs(WebhookArgs):
    webhook_id = fields.String(required=True, validate=validate.Length(min=1, max=40))
    enabled = fields.Boolean()


class WebhookRefArgs(Schema):
    webhook_id = fields.String(required=True, validate=validate.Length(min=1, max=40))


class ListDeliveriesArgs(PageArgs):
    webhook_id = fields.String(validate=validate.Length(min=1, max=40))
    event = fields.String(validate=validate.Length(min=1, max=80))
    status = fields.String(validate=validate.OneOf([PENDING, SUCCEEDED, FAILED]))


class DeliveryRefArgs(Schema):
    delivery_id = fields.String(required=True, validate=validate.Length(min=1, max=40))


class RedeliverArgs(Schema):
    delivery_id = fields.String(validate=validate.Length(min=1, max=40))
    status = fields.String(validate=validate.OneOf([FAILED]))
    since = UtcDateTime()
    until = UtcDateTime()

    @validates_schema
    def _one_way(self, data: dict, **_: object) -> None:
        if ("delivery_id" in data) == ("status" in data):
            raise ValidationError("Send delivery_id, or status=failed with since/until.", "delivery_id")
        if "status" in data and "since" not in data:
            raise ValidationError("A time range needs since.", "since")

