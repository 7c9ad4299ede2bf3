from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from doctypes.tracker_template.schema import SLUG
from traciqo_rpc.records import Name, Page, PageArgs, UtcDateTime

from .model import COMPLETED, IN_PROGRESS, PENDING

ACTIONS = ("start", "complete")


class CreateTrackerArgs(Schema):
    name = Name(max_length=255, required=True)
    template = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=80), SLUG])
    reference = Name(max_length=140, load_default=None, allow_none=True)
    customer_email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))


class TrackerRefArgs(Schema):
    tracker_id = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=2**63 - 1))


class UpdateStatusArgs(TrackerRefArgs):
    process = Name(max_length=140, required=True)
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS, error="One of: start, complete."))


class UpdateTrackerArgs(TrackerRefArgs):
    name = Name(max_length=255)
    reference = Name(max_length=140, allow_none=True)
    customer_email = fields.Email(allow_none=True, validate=validate.Length(max=254))

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if set(data) == {"tracker_id"}:
            raise ValidationError("Send name, reference or customer_email to change.", "tracker_id")


class ListTrackersArgs(PageArgs):
    status = fields.String(validate=validate.OneOf([PENDING, IN_PROGRESS, COMPLETED]))
    template = fields.String(validate=[validate.Length(min=1, max=80), SLUG])
    reference = fields.String(validate=validate.Length(min=1, max=140))
    created_after = UtcDateTime()
    created_before = UtcDateTime()


class QrArgs(TrackerRefArgs):
    format = fields.String(load_default="png", validate=validate.OneOf(["png", "svg"]))
    size = fields.Integer(load_default=300, validate=validate.Range(min=64, max=2048))


class TrackerCreated(Schema):
    """Tracee's answer to a new tracker."""

    id = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "Counts up per workspace and environment."})
    name = fields.String(required=True)
    tracking_url = fields.String(required=True, metadata={"description": "The customer's page."})
    api_url = fields.String(required=True)
    embed_code = fields.String(required=True, metadata={"description": "An iframe of the compact widget."})
    qr_code_url = fields.String(required=True, metadata={"description": "A PNG of the tracking URL's QR; no key needed."})
    tracking_token = fields.String(required=True)


class StepState(Schema):
    process = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([PENDING, IN_PROGRESS, COMPLETED]))
    visible = fields.Boolean(required=True)
    started_at = fields.DateTime(required=True, allow_none=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class TrackerInfo(TrackerCreated):
    """Tracee's detail shape, and ours beside it."""

    reference = fields.String(required=True, allow_none=True)
    customer_email = fields.String(required=True, allow_none=True)
    template = fields.String(required=True, allow_none=True)
    strict_order = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf([PENDING, IN_PROGRESS, COMPLETED]))
    current_process = fields.String(required=True, allow_none=True, metadata={
        "description": "The latest started step not yet completed; null when none is in progress."})
    is_completed = fields.Boolean(required=True)
    history = fields.List(fields.Nested(StepState), required=True, metadata={"description": "Every step, in order."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(required=True, allow_none=True)


class TrackerPage(Page):
    data = fields.List(fields.Nested(TrackerInfo), required=True)


class TrackerDeleted(Schema):
    deleted = fields.Integer(required=True, metadata={"description": "The tracker's id."})
