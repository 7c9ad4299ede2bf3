"""Vendor catalogues: a vendor's offer of an item, set (created or changed) by vendor and item,
read, listed by vendor or item, and removed. Purchase orders take their default unit cost and
their minimum quantity from here (offer_for)."""

from __future__ import annotations

from typing import Any

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import shown
from doctypes.item.service import find_item
from doctypes.party.model import VENDOR, Party
from doctypes.party.service import find_party, require_party
from doctypes.stock.service import money
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import paginate, public_id

from .model import VendorItem

ATTEMPTS = 5  # a lost race to create an offer is read and changed on the next attempt


class VendorItemNotFound(errors.DoesNotExistError):
    """The vendor offers no such item in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Vendor item not found"


def set_vendor_item(ctx: RequestContext, vendor: str, item: str, price: int, **changes: Any) -> dict[str, Any]:
    """The vendor's offer of the item at `price`, created or changed (fields not sent are kept)."""
    party = require_party(ctx, vendor, VENDOR, "vendor")
    found = find_item(ctx, item)
    values = {"price": price, **changes}
    for _ in range(ATTEMPTS):
        offer = offer_for(ctx, party.id, found.id)
        if offer is not None:
            changed = {name: value for name, value in values.items() if getattr(offer, name) != value}
            if changed:
                changed["updated_at"] = ctx.now()
                for name, value in changed.items():
                    setattr(offer, name, value)
                offer.save(only=[getattr(VendorItem, name) for name in changed])
            return {**offer_dict(offer, party, found), "created": False}
        now = ctx.now()
        try:
            with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
                offer = VendorItem.create(id=public_id(), vendor_id=party.id, item_id=found.id, created_at=now,
                                          updated_at=now, **values, **VendorItem.scope_values(ctx))
        except peewee.IntegrityError:  # another call created it first: change that one
            continue
        return {**offer_dict(offer, party, found), "created": True}
    raise RuntimeError(f"could not set the offer of {found.sku} by {party.name} after {ATTEMPTS} attempts")


def offer_for(ctx: RequestContext, vendor_id: str, item_id: str) -> VendorItem | None:
    """The vendor's offer of the item (both by id), if any."""
    return VendorItem.scoped(ctx).where(VendorItem.vendor_id == vendor_id, VendorItem.item_id == item_id).first()


def _find(ctx: RequestContext, vendor: str, item: str) -> tuple[VendorItem, Party, Item]:
    """The offer named by vendor and item. A party that lost its vendor role keeps its offers
    readable and removable, so the role is not asked for here."""
    party, found = find_party(ctx, vendor, "vendor"), find_item(ctx, item)
    offer = offer_for(ctx, party.id, found.id)
    if offer is None:
        raise VendorItemNotFound(field_errors={"item": [f"{party.name[:64]} offers no {found.sku}."]})
    return offer, party, found


def get_vendor_item(ctx: RequestContext, vendor: str, item: str) -> dict[str, Any]:
    """The vendor's offer of the item."""
    return offer_dict(*_find(ctx, vendor, item))


def remove_vendor_item(ctx: RequestContext, vendor: str, item: str) -> dict[str, Any]:
    """Take the offer out of the catalogue (orders that used its price keep their own); answers it."""
    offer, party, found = _find(ctx, vendor, item)
    VendorItem.delete().where(VendorItem.id == offer.id).execute()
    return offer_dict(offer, party, found)


def list_vendor_items(ctx: RequestContext, limit: int, offset: int, vendor: str | None = None,
                      item: str | None = None) -> dict[str, Any]:
    """A page of offers, oldest first: a vendor's catalogue, an item's vendors, or all."""
    query = (VendorItem.scoped(ctx, VendorItem, Party, Item)
             .join(Party, on=(Party.id == VendorItem.vendor_id), attr="party")
             .join(Item, on=(Item.id == VendorItem.item_id), src=VendorItem, attr="item")
             .order_by(VendorItem.id))
    if vendor is not None:
        query = query.where(VendorItem.vendor_id == find_party(ctx, vendor, "vendor").id)
    if item is not None:
        query = query.where(VendorItem.item_id == find_item(ctx, item).id)
    return paginate(query, limit, offset, lambda offer: offer_dict(offer, offer.party, offer.item))


def offer_dict(offer: VendorItem, party: Party, item: Item) -> dict[str, Any]:
    """The offer as the methods answer it (schema.VendorItemInfo)."""
    return {
        "id": offer.id,
        "vendor": party.name,
        "vendor_id": party.id,
        "item": item.sku,
        "item_id": item.id,
        "item_name": item.name,
        "unit": item.unit,
        "vendor_sku": offer.vendor_sku,
        "price": money(offer.price),
        "lead_time_days": offer.lead_time_days,
        "minimum_order": shown(offer.minimum_order),
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
    }
