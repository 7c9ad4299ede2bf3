"""What the item methods take and answer. An item is named by its id or its SKU (any case)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from doctypes.product import gtin as gtin_rules
from traciqo_rpc.records import Name, Page, PageArgs

from .model import DEFAULT_UNIT, TRACKING
from .quantities import Quantity

MAX_ATTRIBUTES, MAX_ATTRIBUTE_KEY, MAX_ATTRIBUTE_VALUE = 20, 40, 200
_SKU = re.compile(r"[A-Za-z0-9._-]{1,64}")
_SKU_RULE = "1-64 letters, digits, '-', '_' or '.'."
_PRODUCT = re.compile(r"[0-9a-f]{32}|[Pp][Rr][Dd]-[0-9]{1,12}")
ORDER_CHOICES = ("sku", "-sku", "created", "-created")  # service.ORDERS, either way round


class Sku(fields.String):
    """An SKU: surrounding spaces trimmed, checked as sent (ASCII only, so no character becomes
    a letter by changing case), then upper-cased: "bolt-m6" and "BOLT-M6" are one item."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _SKU.fullmatch(text):
            raise ValidationError(_SKU_RULE)
        return text.upper()


class ItemRef(fields.String):
    """An item by id or SKU (the service tries the id, then the SKU in upper case)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _SKU.fullmatch(text):
            raise ValidationError("An item's id or SKU: " + _SKU_RULE)
        return text


class ProductRef(fields.String):
    """A product by its id or its SKU (PRD-00042), as doctypes.product.service.find_product reads them."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not _PRODUCT.fullmatch(text):
            raise ValidationError("A product's id (32 hex digits) or SKU (PRD-00042).")
        return text


class Gtin(fields.String):
    """A GTIN-8/12/13/14 with a correct GS1 check digit, stored as GTIN-14 (doctypes/product/gtin.py)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not (text.isascii() and gtin_rules.is_valid(text)):
            raise ValidationError("Not a valid GTIN-8/12/13/14 (digits with a correct GS1 check digit).")
        return gtin_rules.to_gtin14(text)


class Attributes(fields.Dict):
    """Key/value pairs describing the item (colour: blue, size: M): at most MAX_ATTRIBUTES, text
    keys of 1-40 characters and text values of at most 200, each trimmed; keys are unique once trimmed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keys=fields.String(), values=fields.String(), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, str]:
        if isinstance(value, dict) and len(value) > MAX_ATTRIBUTES:  # before looking at each pair
            raise ValidationError(f"At most {MAX_ATTRIBUTES} attributes.")
        loaded = super()._deserialize(value, attr, data, **kwargs)
        pairs: dict[str, str] = {}
        for key, text in loaded.items():
            name = key.strip()
            if not 1 <= len(name) <= MAX_ATTRIBUTE_KEY:
                raise ValidationError(f"Attribute names are 1-{MAX_ATTRIBUTE_KEY} characters: {name[:50]!r}.")
            if name in pairs:
                raise ValidationError(f"Attribute {name!r} is given twice.")
            if len(text.strip()) > MAX_ATTRIBUTE_VALUE:
                raise ValidationError(f"Attribute {name!r}: at most {MAX_ATTRIBUTE_VALUE} characters.")
            pairs[name] = text.strip()
        return pairs


def _unit(**kwargs: Any) -> Name:
    return Name(max_length=16, metadata={"description": "The unit of measure quantities count in (pcs, kg, m, l)."},
                **kwargs)


def _reorder_level(**kwargs: Any) -> Quantity:
    return Quantity(positive=False, metadata={
        "description": "Below this quantity the item is reported for reordering; up to 3 decimal places."}, **kwargs)


class CreateItemArgs(Schema):
    sku = Sku(required=True, metadata={"description": "Unique in the workspace and environment; stored upper-case."})
    name = Name(required=True)
    gtin = Gtin(load_default=None, allow_none=True, metadata={"description": "Answered as GTIN-14."})
    unit = _unit(load_default=DEFAULT_UNIT)
    attributes = Attributes(load_default=dict)
    tracking = fields.String(load_default="none", validate=validate.OneOf(TRACKING))
    reorder_level = _reorder_level(load_default=0)
    allow_negative_stock = fields.Boolean(load_default=False)
    product_id = ProductRef(load_default=None, allow_none=True, metadata={
        "description": "A product of this workspace and environment (its id or PRD- SKU) the item is."})


class ItemRefArgs(Schema):
    item = ItemRef(required=True, metadata={"description": "The item's id or SKU (any case)."})


class UpdateItemArgs(ItemRefArgs):
    name = Name()
    gtin = Gtin(allow_none=True, metadata={"description": "null clears it."})
    unit = _unit()
    attributes = Attributes(metadata={"description": "Replaces all of the item's attributes."})
    tracking = fields.String(validate=validate.OneOf(TRACKING))
    reorder_level = _reorder_level()
    allow_negative_stock = fields.Boolean()
    active = fields.Boolean(metadata={"description": "false: stock moves refuse the item until it is active again."})
    product_id = ProductRef(allow_none=True, metadata={"description": "The product's id or PRD- SKU; null unlinks it."})

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if set(data) == {"item"}:
            raise ValidationError("Send a field to change.", "item")


class ListItemsArgs(PageArgs):
    search = fields.String(validate=validate.Length(min=1, max=255), metadata={"description": "A part of the SKU or name."})
    tracking = fields.String(validate=validate.OneOf(TRACKING))
    active = fields.Boolean()
    order = fields.String(load_default="sku", validate=validate.OneOf(ORDER_CHOICES))


class ItemInfo(Schema):
    id = fields.String(required=True)
    sku = fields.String(required=True)
    name = fields.String(required=True)
    gtin = fields.String(required=True, allow_none=True, metadata={"description": "GTIN-14."})
    unit = fields.String(required=True)
    attributes = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    tracking = fields.String(required=True, validate=validate.OneOf(TRACKING))
    reorder_level = fields.Float(required=True, metadata={"description": "In the item's unit."})
    allow_negative_stock = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    product_id = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ItemPage(Page):
    data = fields.List(fields.Nested(ItemInfo), required=True)
