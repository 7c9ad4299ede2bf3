from __future__ import annotations

from typing import Any

from marshmallow import (
    INCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from traciqo_rpc.records import Name, Page, PageArgs

from .forms import FIELD_TYPES, MAX_FORM_FIELDS

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Lower-case letters, digits and hyphens.")
MAX_PER_CALL = 100


class FormFieldArgs(Schema):
    name = fields.String(required=True, validate=validate.Regexp(
        r"^[A-Za-z_][A-Za-z0-9_]{0,63}$", error="Letters, digits and underscores (not a digit first), at most 64."))
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)

    @validates_schema
    def _options(self, data: dict, **_: object) -> None:
        if data["type"] == "select" and not data["options"]:
            raise ValidationError("A select field needs options.", "options")


def _standard_names() -> set[str]:
    """A registration's standard fields: no extra field may take one of their names."""
    return set(RegistrationEntry().fields)


def _check_names(form_fields: list[dict[str, Any]]) -> None:
    names = [f["name"] for f in form_fields]
    if len(names) != len(set(names)) or _standard_names() & set(names):
        raise ValidationError("Field names must be unique and not one of the standard ones.", "fields")


class FormRefArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])


class CreateFormArgs(FormRefArgs):
    title = Name(required=True)
    form_fields = fields.List(fields.Nested(FormFieldArgs), data_key="fields", load_default=list,
                              validate=validate.Length(max=MAX_FORM_FIELDS))

    @validates_schema
    def _unique_names(self, data: dict, **_: object) -> None:
        _check_names(data.get("form_fields", []))


class UpdateFormArgs(CreateFormArgs):
    """A new title, or the whole list of extra fields in their new order, or both."""

    title = Name()
    form_fields = fields.List(fields.Nested(FormFieldArgs), data_key="fields",
                              validate=validate.Length(max=MAX_FORM_FIELDS))


class AddFormFieldArgs(FormFieldArgs):
    """One field added at the end of a form; `options` may also come as lines (a page's textarea)."""

    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])

    @pre_load
    def _options_by_line(self, data: Any, **_: object) -> Any:
        options = data.get("options") if isinstance(data, dict) else None
        if isinstance(options, str):
            options = [options]
        if isinstance(options, list) and all(isinstance(option, str) for option in options):
            data = {**data, "options": [line.strip() for option in options for line in option.splitlines()
                                        if line.strip()]}
        return data

    @validates("name")
    def _not_standard(self, value: str, **_: object) -> None:
        if value in _standard_names():
            raise ValidationError("A standard field has this name.")


class FormFieldRefArgs(FormRefArgs):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))


class MoveFormFieldArgs(FormFieldRefArgs):
    direction = fields.String(required=True, validate=validate.OneOf(["up", "down"]))


class RegistrationEntry(Schema):
    """The standard fields; anything else is an extra field, checked against the form."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(load_default=None, allow_none=True, validate=[validate.Length(min=1, max=80), SLUG])
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = Name(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    serial_number = Name(max_length=100, load_default=None, allow_none=True)
    purchase_date = fields.Date(load_default=None, allow_none=True)
    receipt_url = fields.Url(load_default=None, allow_none=True, require_tld=False, validate=validate.Length(max=1000))


class AddRegistrationsArgs(Schema):
    registrations = fields.List(fields.Nested(RegistrationEntry), required=True,
                                validate=validate.Length(min=1, max=MAX_PER_CALL))


class UpdateRegistrationArgs(Schema):
    registration_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    extra = fields.Dict(keys=fields.String(), data_key="fields", load_default=dict)
    name = Name()
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    receipt_url = fields.Url(allow_none=True, require_tld=False, validate=validate.Length(max=1000))


class RegistrationRefArgs(Schema):
    registration_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class GetRegistrationsArgs(Schema):
    email = fields.Email(required=True)
    form_slug = fields.String(validate=validate.Length(min=1, max=80))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class ListRegistrationsArgs(PageArgs):
    form_slug = fields.String(validate=[validate.Length(min=1, max=80), SLUG])
    email = fields.Email(validate=validate.Length(max=254))


class FormFieldInfo(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(required=True)
    options = fields.List(fields.String(), required=True)


class FormInfo(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    form_fields = fields.List(fields.Nested(FormFieldInfo), required=True, data_key="fields")
    created_at = fields.DateTime(required=True)


class RegistrationInfo(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "The form's slug."})
    email = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    serial_number = fields.String(required=True, allow_none=True)
    warranty_id = fields.String(required=True, allow_none=True, metadata={"description": "The warranty it started."})
    purchase_date = fields.Date(required=True, allow_none=True)
    receipt_url = fields.String(required=True, allow_none=True)
    extra = fields.Dict(keys=fields.String(), required=True, data_key="fields",
                        metadata={"description": "The form's extra fields."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class RegistrationPage(Page):
    data = fields.List(fields.Nested(RegistrationInfo), required=True)


class RegistrationsAdded(Schema):
    registrations = fields.List(fields.Nested(RegistrationInfo), required=True)


class RegistrationDeleted(Schema):
    deleted = fields.String(required=True, metadata={"description": "The registration's id."})


class FormDeleted(Schema):
    deleted = fields.String(required=True, metadata={"description": "The form's slug."})
