from __future__ import annotations

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import Name

from .forms import FIELD_TYPES

SLUG = validate.Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", error="Lower-case letters, digits and hyphens.")
MAX_PER_CALL = 100


class FormFieldArgs(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"))
    type = fields.String(required=True, validate=validate.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)

    @validates_schema
    def _options(self, data: dict, **_: object) -> None:
        if data["type"] == "select" and not data["options"]:
            raise ValidationError("A select field needs options.", "options")


class CreateFormArgs(Schema):
    slug = fields.String(required=True, validate=[validate.Length(min=1, max=80), SLUG])
    title = Name(required=True)
    form_fields = fields.List(fields.Nested(FormFieldArgs), data_key="fields", load_default=list,
                              validate=validate.Length(max=50))

    @validates_schema
    def _unique_names(self, data: dict, **_: object) -> None:
        names = [f["name"] for f in data.get("form_fields", [])]
        reserved = set(RegistrationEntry().fields)
        if len(names) != len(set(names)) or reserved & set(names):
            raise ValidationError("Field names must be unique and not one of the standard ones.", "fields")


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


class RegistrationsAdded(Schema):
    registrations = fields.List(fields.Nested(RegistrationInfo), required=True)


class RegistrationDeleted(Schema):
    deleted = fields.String(required=True, metadata={"description": "The registration's id."})
