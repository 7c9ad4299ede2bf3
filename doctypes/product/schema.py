from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from traciqo_rpc.records import Name, Page, PageArgs

from . import gtin as gtin_rules


class UpsertProductArgs(Schema):
    name = Name(required=True)
    description = fields.String(validate=validate.Length(max=10_000))
    brand = fields.String(validate=validate.Length(max=255))
    price = fields.Decimal(places=2, validate=validate.Range(min=0, max=10**12), allow_nan=False)
    gtin = fields.String(allow_none=True)
    warranty_months = fields.Integer(validate=validate.Range(min=0, max=600))

    @validates("gtin")
    def _gtin(self, value: str | None, **_: object) -> None:
        if value is not None and not gtin_rules.is_valid(value.strip()):
            raise ValidationError("Not a valid GTIN-8/12/13/14 (digits with a correct GS1 check digit).")

    @post_load
    def _normalise(self, data: dict, **_: object) -> dict:
        if data.get("gtin"):
            data["gtin"] = gtin_rules.to_gtin14(data["gtin"].strip())
        return data


class ProductRefArgs(Schema):
    product_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ListProductsArgs(PageArgs):
    name = fields.String(validate=validate.Length(min=1, max=255))


class ProductPushed(Schema):
    id = fields.String(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    created = fields.Boolean(required=True)
    updated = fields.Boolean(required=True)


class ProductInfo(Schema):
    id = fields.String(required=True)
    sku = fields.String(required=True, metadata={"description": "PRD- and five digits or more."})
    name = fields.String(required=True)
    description = fields.String(required=True)
    brand = fields.String(required=True)
    price = fields.Float(required=True)
    gtin = fields.String(required=True, allow_none=True, metadata={"description": "GTIN-14."})
    warranty_months = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)


class ProductPage(Page):
    data = fields.List(fields.Nested(ProductInfo), required=True)
