"""Reading stock: an item's levels and value, the ledger, the valuation, the items below their
reorder level, and the check that the levels agree with the ledger they follow."""

from __future__ import annotations

import datetime as dt
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
                kind: str | None = None, order: str = "-created", since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> dict[str, Any]:
    """The ledger's entries, newest first, by item, warehouse, kind and time (`since` included,
    `until` not): an item's movement history."""
    query = ordered(StockEntry.scoped(ctx), ORDERS, order)
    if since is not None:
        query = query.where(StockEntry.created_at >= since)
    if until is not None:
        query = query.where(StockEntry.created_at < until)
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


def get_valuation(ctx: RequestContext, limit: int, offset: int, warehouse: str | None = None) -> dict[str, Any]:
    """Each item in stock (by SKU) with its quantity, value and average cost, and the total value.

    An item's value is kept for the item, not per warehouse (its moving-average cost is one for
    all its bins), so in one warehouse an item is worth the quantity there times that average
    cost, rounded toward zero to the ten-thousandth; those shares may then add up to a little
    less than the item's own value."""
    item_columns = (Item.sku, Item.name, Item.unit)
    if warehouse is None:
        place = None
        held = (ItemValue.scoped(ctx, *item_columns, ItemValue.quantity, ItemValue.quantity, ItemValue.value)
                .join(Item, on=(Item.id == ItemValue.item_id))
                .where((ItemValue.quantity != 0) | (ItemValue.value != 0)))
    else:
        place = find_warehouse(ctx, warehouse)
        there = peewee.fn.SUM(StockLevel.quantity)
        held = (StockLevel.scoped(ctx, *item_columns, there, ItemValue.quantity, ItemValue.value)
                .join(Item, on=(Item.id == StockLevel.item_id))
                .join(ItemValue, peewee.JOIN.LEFT_OUTER, on=(ItemValue.item_id == StockLevel.item_id), src=StockLevel)
                .where(StockLevel.warehouse_id == place.id)
                .group_by(*item_columns, ItemValue.quantity, ItemValue.value).having(there != 0))
    rows, count, value_total = [], 0, 0
    for sku, name, unit, quantity, all_held, all_value in held.order_by(Item.sku).tuples().iterator():
        quantity, value, average = _valued(int(quantity), int(all_held or 0), int(all_value or 0))
        value_total += value
        if offset <= count < offset + limit:
            rows.append({"item": sku, "name": name, "unit": unit, "quantity": shown(quantity), "value": money(value),
                         "average_cost": money(average) if average is not None else None})
        count += 1
    return {"data": rows, "total": count, "limit": limit, "offset": offset,
            "warehouse": place.code if place is not None else None, "total_value": money(value_total)}


def _valued(quantity: int, held: int, value: int) -> tuple[int, int, int | None]:
    """(quantity, its value, the average cost) of `quantity` of an item that holds `held` worth `value`."""
    if held <= 0:  # nothing (or less) in stock: no average to value a share at
        return quantity, value if quantity == held else 0, None
    share = value if quantity == held else _toward_zero(quantity * value, held)
    return quantity, share, value * SCALE // held


def _toward_zero(numerator: int, denominator: int) -> int:
    whole = abs(numerator) // denominator
    return whole if numerator >= 0 else -whole


def list_below_reorder(ctx: RequestContext, limit: int, offset: int) -> dict[str, Any]:
    """Active items whose total quantity is below their reorder level (the rule of get_stock's
    `below_reorder_level` and of the Stock Low event), by SKU, with how many are missing."""
    held = peewee.fn.COALESCE(ItemValue.quantity, 0)
    query = (Item.scoped(ctx, Item.sku, Item.name, Item.unit, Item.reorder_level, held.alias("held"))
             .join(ItemValue, peewee.JOIN.LEFT_OUTER, on=(ItemValue.item_id == Item.id))
             .where(Item.active, held < Item.reorder_level).order_by(Item.sku))
    return paginate(query, limit, offset, _short)


def _short(item: Item) -> dict[str, Any]:
    held = int(item.held)  # type: ignore[attr-defined]  # the query's alias
    return {"item": item.sku, "name": item.name, "unit": item.unit, "quantity": shown(held),
            "reorder_level": shown(item.reorder_level), "shortfall": shown(item.reorder_level - held)}


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
