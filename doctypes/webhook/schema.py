from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import Page, PageArgs, UtcDateTime

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



class EndpointInfo(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True, metadata={"description": "Event names; \"*\" is every event."})
    description = fields.String(required=True)
    enabled = fields.Boolean(required=True)
    environment = fields.String(required=True, validate=validate.OneOf(["live", "sandbox"]))
    disabled_reason = fields.String(required=True, allow_none=True)
    failing_since = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class NewEndpoint(EndpointInfo):
    """An endpoint with its signing secret, shown this once."""

    secret = fields.String(required=True, metadata={"description": "whsec_..."})


class RotatedEndpoint(NewEndpoint):
    previous_secret_until = fields.DateTime(required=True, metadata={
        "description": "Until then deliveries carry signatures with both secrets."})


class WebhookDeleted(Schema):
    deleted = fields.String(required=True, metadata={"description": "The endpoint's id."})


class PingSent(Schema):
    delivery_id = fields.String(required=True)
    event_id = fields.String(required=True)


class DeliveryState(Schema):
    id = fields.String(required=True)
    event_id = fields.String(required=True)
    event = fields.String(required=True)
    webhook_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([PENDING, SUCCEEDED, FAILED]))
    next_attempt_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "While pending."})
    last_status_code = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class DeliveryInfo(DeliveryState):
    attempts = fields.Integer(required=True)


class DeliveryPage(Page):
    data = fields.List(fields.Nested(DeliveryInfo), required=True)


class AttemptInfo(Schema):
    number = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    duration_ms = fields.Float(required=True)
    status_code = fields.Integer(required=True, allow_none=True)
    response_excerpt = fields.String(required=True, metadata={"description": "The first 2 KB of the answer."})
    error = fields.String(required=True, allow_none=True)


class DeliveryWithAttempts(DeliveryState):
    attempts = fields.List(fields.Nested(AttemptInfo), required=True)


class Redelivering(Schema):
    redelivering = fields.List(fields.String(), required=True, metadata={"description": "The deliveries' ids."})
