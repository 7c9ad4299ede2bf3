"""Items: created with a unique SKU, found by id or SKU, listed, changed, made inactive. Stock
moves find their item here (find_item, require_active_item).

An item's `tracking` can change only until it first moves in stock: its ledger entries and
serials are of the kind it had."""

from __future__ import annotations

import json
from typing import Any

import peewee

from doctypes.product.service import require_product
from doctypes.stock.model import StockEntry
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id
from traciqo_rpc.statements import fetch

from .model import Item
from .quantities import shown
from .queries import ITEM


class ItemNotFound(errors.DoesNotExistError):
    """No item of that id or SKU in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Item not found"


class ItemInactive(errors.PermissionError):
    """The item was made inactive: stock moves refuse it until it is active again (Racko's `inactive`)."""

    error_code = "inactive"

    def default_message(self) -> str:
        return "Item is inactive"


class SkuTaken(errors.DuplicateEntryError):
    """Another item of the workspace and environment has that SKU."""


def create_item(ctx: RequestContext, sku: str, name: str, **values: Any) -> dict[str, Any]:
    """A new item; 409 if the SKU is taken, 417 if `product_id` names no product of the caller's."""
    values = _stored(ctx, values)
    now = ctx.now()
    try:
        with db.database.atomic():  # a savepoint: a lost race is a 409, not a poisoned transaction
            item = Item.create(id=public_id(), sku=sku, name=name, created_at=now, updated_at=now, **values,
                               **Item.scope_values(ctx))
    except peewee.IntegrityError:  # the unique index on the SKU decides between concurrent creations
        raise SkuTaken(f"An item with the SKU {sku!r} exists",
                       field_errors={"sku": ["Taken by another item."]}) from None
    return item_dict(item)


def find_item(ctx: RequestContext, ref: str, field: str = "item") -> Item:
    """The caller's item by id or SKU (any case); 404 naming the argument."""
    ref = ref.strip()
    found = fetch(ITEM, (ref, ref.upper(), ref), ctx)  # every stock move asks: by hand (queries.py)
    if not found:
        raise ItemNotFound(field_errors={field: [f"No item {ref[:64]!r} in this workspace."]})
    return found[0]


def require_active_item(ctx: RequestContext, ref: str, field: str = "item") -> Item:
    """The caller's item (404), if it is active (403 inactive)."""
    item = find_item(ctx, ref, field)
    if not item.active:
        raise ItemInactive(field_errors={field: [f"Item {item.sku} is inactive."]})
    return item


def get_item(ctx: RequestContext, ref: str) -> dict[str, Any]:
    """The caller's item by id or SKU, as answered."""
    return item_dict(find_item(ctx, ref))


class TrackingLocked(errors.ValidationError):
    """A change of tracking once the item has moved: its entries and serials are of the old kind."""


def update_item(ctx: RequestContext, ref: str, **changes: Any) -> dict[str, Any]:
    """Change the fields sent; the SKU stays (moves, labels and other systems name the item by it)."""
    item = find_item(ctx, ref)
    stored = _stored(ctx, changes)
    changed = {name: value for name, value in stored.items() if getattr(item, name) != value}
    if "tracking" in changed and StockEntry.scoped(ctx).where(StockEntry.item_id == item.id).exists():
        raise TrackingLocked(f"{item.sku} has moved in stock: its tracking stays {item.tracking}",
                             field_errors={"tracking": ["The item has stock entries; make a new item instead."]})
    if changed:
        changed["updated_at"] = ctx.now()
        for name, value in changed.items():
            setattr(item, name, value)
        item.save(only=[getattr(Item, name) for name in changed])
    return item_dict(item)


def set_active(ctx: RequestContext, ref: str, active: bool) -> dict[str, Any]:
    """Make the item active or inactive (an inactive one is still read, listed and changed)."""
    return update_item(ctx, ref, active=active)


# The orders a list offers (records.ordered): each one an index gives (ids are time-first).
ORDERS = {"sku": (Item.sku,), "created": (Item.id,)}


def list_items(ctx: RequestContext, limit: int, offset: int, search: str | None = None, tracking: str | None = None,
               active: bool | None = None, order: str = "sku") -> dict[str, Any]:
    """A page of the caller's items in `order`, by a part of the SKU or name, tracking and active."""
    query = ordered(Item.scoped(ctx), ORDERS, order)
    if search:
        query = query.where(Item.sku.contains(search) | Item.name.contains(search))
    if tracking is not None:
        query = query.where(Item.tracking == tracking)
    if active is not None:
        query = query.where(Item.active == active)
    return paginate(query, limit, offset, item_dict)


def _stored(ctx: RequestContext, values: dict[str, Any]) -> dict[str, Any]:
    """The arguments as columns: attributes as JSON text, a product reference as the product's id."""
    stored = dict(values)
    if "attributes" in stored:
        stored["attributes"] = json.dumps(stored["attributes"], ensure_ascii=False, sort_keys=True)
    if stored.get("product_id") is not None:
        stored["product_id"] = require_product(ctx, stored["product_id"]).id
    return stored


def item_dict(item: Item) -> dict[str, Any]:
    """The item as the methods answer it (schema.ItemInfo): attributes as an object, quantities in units."""
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "gtin": item.gtin,
        "unit": item.unit,
        "attributes": json.loads(item.attributes),
        "tracking": item.tracking,
        "reorder_level": shown(item.reorder_level),
        "allow_negative_stock": item.allow_negative_stock,
        "active": item.active,
        "product_id": item.product_id,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }
