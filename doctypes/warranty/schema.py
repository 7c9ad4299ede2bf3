from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from traciqo_rpc.records import Name, Page, PageArgs

from .model import ACTIVE, VOID


class CustomerArgs(Schema):
    customer_name = Name(required=True)
    customer_email = fields.Email(required=True, validate=validate.Length(max=254))
    customer_phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class ActivateWarrantyArgs(CustomerArgs):
    serial_number = Name(max_length=100, required=True)
    purchase_date = fields.Date(load_default=None, allow_none=True)


class WarrantyRefArgs(Schema):
    warranty_id = fields.String(validate=validate.Length(min=1, max=64))
    serial_number = Name(max_length=100)

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if ("warranty_id" in data) == ("serial_number" in data):
            raise ValidationError("Send warranty_id or serial_number.", "warranty_id")


class TransferWarrantyArgs(CustomerArgs):
    warranty_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class VoidWarrantyArgs(Schema):
    warranty_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))


class ListWarrantiesArgs(PageArgs):
    customer_email = fields.Email()
    product_id = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf([ACTIVE, "expired", VOID]))
    expiring_before = fields.Date()


class CustomerInfo(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)


class WarrantyInfo(Schema):
    id = fields.String(required=True)
    serial_number = fields.String(required=True)
    product_id = fields.String(required=True, allow_none=True)
    customer = fields.Nested(CustomerInfo, required=True)
    status = fields.String(required=True, validate=validate.OneOf([ACTIVE, "expired", VOID]))
    months = fields.Integer(required=True)
    purchase_date = fields.Date(required=True, allow_none=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    created_at = fields.DateTime(required=True)
    voided_at = fields.DateTime(required=True, allow_none=True)
    void_reason = fields.String(required=True, allow_none=True)


class OwnerInfo(Schema):
    customer_id = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    since = fields.DateTime(required=True)
    until = fields.DateTime(required=True, allow_none=True)


class WarrantyWithOwners(WarrantyInfo):
    """A warranty with who held it when, the current owner last."""

    owners = fields.List(fields.Nested(OwnerInfo), required=True)


class WarrantyPage(Page):
    data = fields.List(fields.Nested(WarrantyInfo), required=True)
