from __future__ import annotations

from typing import Any

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


class Steps(fields.List):
    """Steps in order: objects {"name", "visible"}, or names (visible steps); a form's text sends
    one name a line."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(StepArgs), validate=[validate.Length(min=1, max=MAX_STEPS),
                                                            _distinct_step_names], **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            value = [step for item in items for step in _named(item)]
        return super()._deserialize(value, attr, data, **kwargs)


def _named(item: Any) -> list[Any]:
    if not isinstance(item, str):
        return [item]
    return [{"name": line} for line in item.splitlines() if line.strip()]


class CreateTemplateArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])
    name = Name(max_length=140, required=True)
    steps = Steps(required=True)
    strict_order = fields.Boolean(load_default=False)


class UpdateTemplateArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])
    name = Name(max_length=140)
    steps = Steps()
    strict_order = fields.Boolean()

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if set(data) == {"slug"}:
            raise ValidationError("Send name, steps or strict_order to change.", "slug")


class TemplateRefArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])


class AddStepArgs(TemplateRefArgs):
    name = Name(max_length=140, required=True)
    visible = fields.Boolean(load_default=True, metadata={"description": "false: an internal step."})


class StepRefArgs(TemplateRefArgs):
    step = Name(max_length=140, required=True, metadata={"description": "The step's name (any case)."})


class MoveStepArgs(StepRefArgs):
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down"]))


class UpdateStepArgs(StepRefArgs):
    visible = fields.Boolean(required=True, metadata={"description": "false: an internal step."})


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
