"""Where a build's components are and which of them it takes: from the bin it names, or from
any active bin of its warehouse in bin code order (then batch, then serial number order).

Reading here takes no lock: the stock moves that follow take each level only while it holds
what they take, so a component moved away meanwhile refuses the build, and nothing of it stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE
from doctypes.stock.model import IN_STOCK, StockLevel, StockSerial
from doctypes.warehouse.model import DEFAULT_BIN, Bin, Warehouse
from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext


class ComponentSerialsWrong(errors.ValidationError):
    """Serial numbers named for a component: not as many as it needs, not in the source, or not a component."""


@dataclass(frozen=True)
class Source:
    warehouse: Warehouse
    bin: Bin | None  # None: any active bin of the warehouse

    def label(self) -> str:
        return self.warehouse.code + (f"/{self.bin.code}" if self.bin else "")


@dataclass(frozen=True)
class Take:
    """One stock issue: `quantity` from one bin (and batch), or these serial numbers from it."""

    bin_code: str
    batch: str
    quantity: int
    serials: tuple[str, ...] = ()


def available(ctx: RequestContext, item_ids: Iterable[str], source: Source) -> dict[str, int]:
    """Each item's quantity in the source's active bins (levels above zero only)."""
    ids = sorted(set(item_ids))
    query = (StockLevel.scoped(ctx, StockLevel.item_id, peewee.fn.SUM(StockLevel.quantity))
             .join(Bin, on=(StockLevel.bin_id == Bin.id))
             .where(StockLevel.warehouse_id == source.warehouse.id, StockLevel.item_id.in_(ids),
                    StockLevel.quantity > 0, Bin.active == True)  # noqa: E712
             .group_by(StockLevel.item_id))
    if source.bin is not None:
        query = query.where(StockLevel.bin_id == source.bin.id)
    held = {item_id: int(quantity) for item_id, quantity in query.tuples()}
    return {item_id: held.get(item_id, 0) for item_id in ids}


def pick(ctx: RequestContext, item: Item, quantity: int, source: Source, serials: list[str] | None) -> tuple[list[Take], int]:
    """What to issue for `quantity` of the item, and how much is still short after it."""
    if item.tracking == "serial":
        return _pick_serials(ctx, item, quantity // SCALE, source, serials)
    takes, left = [], quantity
    for bin_code, batch, held in _levels(ctx, item, source):
        if left == 0:
            break
        taken = min(held, left)
        takes.append(Take(bin_code, batch, taken))
        left -= taken
    if left and item.allow_negative_stock and item.tracking == "none":  # the rest below zero, in the first bin
        takes.append(Take(source.bin.code if source.bin else DEFAULT_BIN, "", left))
        left = 0
    return _merged(takes), left


def _levels(ctx: RequestContext, item: Item, source: Source) -> list[tuple[str, str, int]]:
    query = (StockLevel.scoped(ctx, Bin.code, StockLevel.batch, StockLevel.quantity)
             .join(Bin, on=(StockLevel.bin_id == Bin.id))
             .where(StockLevel.warehouse_id == source.warehouse.id, StockLevel.item_id == item.id,
                    StockLevel.quantity > 0, Bin.active == True)  # noqa: E712
             .order_by(Bin.code, StockLevel.batch))
    if source.bin is not None:
        query = query.where(StockLevel.bin_id == source.bin.id)
    return [(code, batch, int(quantity)) for code, batch, quantity in query.tuples()]


def _pick_serials(ctx: RequestContext, item: Item, units: int, source: Source,
                  named: list[str] | None) -> tuple[list[Take], int]:
    query = (StockSerial.scoped(ctx, Bin.code, StockSerial.serial).join(Bin, on=(StockSerial.bin_id == Bin.id))
             .where(StockSerial.item_id == item.id, StockSerial.status == IN_STOCK,
                    StockSerial.warehouse_id == source.warehouse.id, Bin.active == True))  # noqa: E712
    if source.bin is not None:
        query = query.where(StockSerial.bin_id == source.bin.id)
    if named is not None:
        if len(named) != units or len(set(named)) != units:
            raise ComponentSerialsWrong(f"{item.sku}: {units} serial numbers needed, {len(set(named))} named",
                                        field_errors={"components": [f"{item.sku}: name {units} serial numbers."]})
        found = dict((serial, code) for code, serial in query.where(StockSerial.serial.in_(named)).tuples())
        missing = [serial for serial in named if serial not in found]
        if missing:
            raise ComponentSerialsWrong(f"{item.sku}: not in {source.label()}: {', '.join(missing[:20])}",
                                        field_errors={"components": [f"{item.sku}: not in {source.label()}: "
                                                                     f"{', '.join(missing[:20])}."]})
        rows = [(found[serial], serial) for serial in named]
    else:
        rows = list(query.order_by(Bin.code, StockSerial.serial).limit(units).tuples())
    by_bin: dict[str, list[str]] = {}
    for code, serial in rows:
        by_bin.setdefault(code, []).append(serial)
    takes = [Take(code, "", len(serials) * SCALE, tuple(serials)) for code, serials in sorted(by_bin.items())]
    return takes, (units - len(rows)) * SCALE


def _merged(takes: list[Take]) -> list[Take]:
    """One issue per bin and batch (the negative rest may land in a bin already taken from)."""
    merged: dict[tuple[str, str], int] = {}
    for take in takes:
        merged[(take.bin_code, take.batch)] = merged.get((take.bin_code, take.batch), 0) + take.quantity
    return [Take(code, batch, quantity) for (code, batch), quantity in merged.items()]
