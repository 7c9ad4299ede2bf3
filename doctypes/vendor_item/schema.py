"""What the vendor catalogue methods take and answer. A vendor is a party (by id or name) with
the vendor role; an item is named by its id or SKU."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from doctypes.item.quantities import Money, Quantity
from doctypes.item.schema import ItemRef
from traciqo_rpc.records import Page, PageArgs

MAX_LEAD_TIME_DAYS = 3650  # ten years: past any real lead time, a typo beyond it


def vendor_ref(**kwargs: object) -> fields.String:
    """A party by its id or its name (doctypes.party.service.find_party)."""
    return fields.String(validate=validate.Length(min=1, max=255), metadata={
        "description": "The vendor: a party's id or name."}, **kwargs)  # type: ignore[arg-type]


class VendorItemRefArgs(Schema):
    vendor = vendor_ref(required=True)
    item = ItemRef(required=True, metadata={"description": "The item's id or SKU (any case)."})


class SetVendorItemArgs(VendorItemRefArgs):
    price = Money(sign="not negative", required=True, metadata={
        "description": "The vendor's price for one unit of the item (up to 4 decimal places)."})
    vendor_sku = fields.String(allow_none=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The vendor's own code for the item; null clears it. Not sent: kept (new: none)."})
    lead_time_days = fields.Integer(validate=validate.Range(min=0, max=MAX_LEAD_TIME_DAYS), metadata={
        "description": "Days from order to delivery. Not sent: kept (new: 0)."})
    minimum_order = Quantity(positive=False, metadata={
        "description": "The least quantity of one order line; 0: any. Not sent: kept (new: 0)."})


class ListVendorItemsArgs(PageArgs):
    vendor = vendor_ref()
    item = ItemRef(metadata={"description": "Only this item's offers (its id or SKU)."})


class VendorItemInfo(Schema):
    id = fields.String(required=True)
    vendor = fields.String(required=True, metadata={"description": "The vendor's name."})
    vendor_id = fields.String(required=True)
    item = fields.String(required=True, metadata={"description": "The item's SKU."})
    item_id = fields.String(required=True)
    item_name = fields.String(required=True)
    unit = fields.String(required=True)
    vendor_sku = fields.String(required=True, allow_none=True)
    price = fields.Float(required=True)
    lead_time_days = fields.Integer(required=True)
    minimum_order = fields.Float(required=True, metadata={"description": "In the item's unit; 0: any quantity."})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class VendorItemSet(VendorItemInfo):
    created = fields.Boolean(required=True, metadata={"description": "true: a new offer; false: changed or as it was."})


class VendorItemPage(Page):
    data = fields.List(fields.Nested(VendorItemInfo), required=True)
