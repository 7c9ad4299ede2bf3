"""Reading stock: an item's levels and value, the ledger, and the check that the levels agree
with the ledger they follow."""

from __future__ import annotations

from typing import Any

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import find_item
from doctypes.warehouse.model import Bin, Warehouse
from doctypes.warehouse.service import find_warehouse
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate

from .model import IN_STOCK, ItemValue, StockEntry, StockLevel, StockSerial
from .service import SERIAL, money

ORDERS = {"created": (StockEntry.id,)}  # the orders a list offers (records.ordered): ids count up as entries come


def get_stock(ctx: RequestContext, item: str, warehouse: str | None = None) -> dict[str, Any]:
    """An item's quantity in each bin (of one warehouse, or all), its total and its value."""
    found = find_item(ctx, item)
    levels = (StockLevel.scoped(ctx, StockLevel.quantity, StockLevel.batch, Warehouse.code, Bin.code.alias("bin_code"))
              .join(Warehouse, on=(Warehouse.id == StockLevel.warehouse_id))
              .join(Bin, on=(Bin.id == StockLevel.bin_id), src=StockLevel)
              .where(StockLevel.item_id == found.id, StockLevel.quantity != 0)
              .order_by(Warehouse.code, Bin.code, StockLevel.batch))
    if warehouse is not None:
        levels = levels.where(StockLevel.warehouse_id == find_warehouse(ctx, warehouse).id)
    rows = [{"warehouse": warehouse_code, "bin": bin_code, "batch": batch or None, "quantity": shown(quantity)}
            for quantity, batch, warehouse_code, bin_code in levels.tuples()]
    valued = ItemValue.scoped(ctx).where(ItemValue.item_id == found.id).first()
    held, value = (valued.quantity, valued.value) if valued else (0, 0)
    answer = {"item": found.sku, "name": found.name, "unit": found.unit, "tracking": found.tracking,
              "quantity": shown(held), "value": money(value),
              "average_cost": money(value * SCALE // held) if held > 0 else None,
              "reorder_level": shown(found.reorder_level), "below_reorder_level": held < found.reorder_level,
              "levels": rows}
    if found.tracking == SERIAL:
        answer["serials_in_stock"] = (StockSerial.scoped(ctx)
                                      .where(StockSerial.item_id == found.id, StockSerial.status == IN_STOCK).count())
    return answer


def list_ledger(ctx: RequestContext, limit: int, offset: int, item: str | None = None, warehouse: str | None = None,
                kind: str | None = None, order: str = "-created") -> dict[str, Any]:
    """The ledger's entries, newest first, by item, warehouse and kind."""
    query = ordered(StockEntry.scoped(ctx), ORDERS, order)
    if item is not None:
        query = query.where(StockEntry.item_id == find_item(ctx, item).id)
    if warehouse is not None:
        query = query.where(StockEntry.warehouse_id == find_warehouse(ctx, warehouse).id)
    if kind is not None:
        query = query.where(StockEntry.kind == kind)
    page = paginate(query, limit, offset, lambda entry: entry)
    items = dict(Item.scoped(ctx, Item.id, Item.sku).where(Item.id.in_({e.item_id for e in page["data"]})).tuples())
    places = {bin_id: (warehouse_code, bin_code) for bin_id, warehouse_code, bin_code in
              Bin.scoped(ctx, Bin.id, Warehouse.code, Bin.code).join(Warehouse, on=(Warehouse.id == Bin.warehouse_id))
              .where(Bin.id.in_({e.bin_id for e in page["data"]})).tuples()}
    page["data"] = [entry_dict(entry, items, places) for entry in page["data"]]
    return page


def entry_dict(entry: StockEntry, items: dict[str, str], places: dict[int, tuple[str, str]]) -> dict[str, Any]:
    warehouse_code, bin_code = places.get(entry.bin_id, ("", ""))
    return {"id": entry.id, "move": entry.move_id, "kind": entry.kind, "item": items.get(entry.item_id, entry.item_id),
            "warehouse": warehouse_code, "bin": bin_code, "batch": entry.batch or None, "serial": entry.serial,
            "quantity": shown(entry.quantity), "level_after": shown(entry.level_after),
            "value_change": money(entry.value_change), "reason": entry.reason, "reference": entry.reference,
            "created_by": entry.created_by, "created_at": entry.created_at}


def differences() -> list[dict[str, Any]]:
    """Every level (item x bin x batch) and every item's quantity and value that differ from the
    sum of its ledger entries, in every workspace and environment."""
    level_key = ("workspace_id", "is_sandbox", "item_id", "bin_id", "batch")
    by_level = _sums(StockEntry, level_key, (peewee.fn.SUM(StockEntry.quantity),))
    levels = _sums(StockLevel, level_key, (peewee.fn.SUM(StockLevel.quantity),))  # one row a key
    item_key = ("workspace_id", "is_sandbox", "item_id")
    by_item = _sums(StockEntry, item_key, (peewee.fn.SUM(StockEntry.quantity), peewee.fn.SUM(StockEntry.value_change)))
    items = _sums(ItemValue, item_key, (peewee.fn.SUM(ItemValue.quantity), peewee.fn.SUM(ItemValue.value)))
    found = []
    for key in sorted(set(by_level) | set(levels), key=str):
        ledger, kept = by_level.get(key, (0,)), levels.get(key, (0,))
        if ledger != kept:
            found.append({**dict(zip(level_key, key, strict=True)), "ledger": shown(ledger[0]), "level": shown(kept[0])})
    for key in sorted(set(by_item) | set(items), key=str):
        ledger, kept = by_item.get(key, (0, 0)), items.get(key, (0, 0))
        if ledger != kept:
            found.append({**dict(zip(item_key, key, strict=True)), "ledger": shown(ledger[0]), "item_total": shown(kept[0]),
                          "ledger_value": money(ledger[1]), "item_value": money(kept[1])})
    return found


def _sums(model: Any, key: tuple[str, ...], figures: tuple[Any, ...]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """{key: figures} over all rows of `model`, grouped by the `key` columns (is_sandbox as a bool)."""
    columns = [getattr(model, name) for name in key]
    rows: list[tuple[Any, ...]] = list(model.select(*columns, *figures).group_by(*columns).tuples())
    return {(ws, bool(sb), *rest[:len(key) - 2]): tuple(int(v) for v in rest[len(key) - 2:])
            for ws, sb, *rest in rows}
