from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import Name

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Lower-case letters, digits and hyphens.")
MAX_STEPS = 50


class StepArgs(Schema):
    name = Name(max_length=140, required=True)
    visible = fields.Boolean(load_default=True)


def _distinct_step_names(steps: list[dict]) -> None:
    names = [step["name"].casefold() for step in steps]
    if len(set(names)) != len(names):
        raise ValidationError("Step names must be distinct (a status update names its step).")


class CreateTemplateArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])
    name = Name(max_length=140, required=True)
    steps = fields.List(fields.Nested(StepArgs), required=True, validate=[validate.Length(min=1, max=MAX_STEPS),
                                                                          _distinct_step_names])
    strict_order = fields.Boolean(load_default=False)


class UpdateTemplateArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])
    name = Name(max_length=140)
    steps = fields.List(fields.Nested(StepArgs), validate=[validate.Length(min=1, max=MAX_STEPS),
                                                           _distinct_step_names])
    strict_order = fields.Boolean()

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if set(data) == {"slug"}:
            raise ValidationError("Send name, steps or strict_order to change.", "slug")


class TemplateRefArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])


class StepInfo(Schema):
    name = fields.String(required=True)
    order = fields.Integer(required=True, metadata={"description": "1 for the first step."})
    visible = fields.Boolean(required=True, metadata={"description": "false: an internal step, never shown to customers."})


class TemplateInfo(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    steps = fields.List(fields.Nested(StepInfo), required=True)
    strict_order = fields.Boolean(required=True, metadata={"description": "Steps start only after the ones before complete."})
    shared = fields.Boolean(required=True, metadata={"description": "One of the templates every workspace has."})


class TemplateDeleted(Schema):
    deleted = fields.String(required=True, metadata={"description": "The template's slug."})
