"""Stock moves: receive, issue, transfer, adjust and count, each one transaction that writes its
ledger entries and changes the levels, serials and value they follow (model.py).

The rules, once: an item moves while it and its warehouse are active; a serial-tracked item
moves by serial (one unit each), a batch-tracked one by batch; a level never goes below zero
unless the item allows it; the item's value moves at its moving-average cost (receipts at
their own cost). A refusal changes nothing and says what was missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import find_item, require_active_item
from doctypes.warehouse.model import Bin, Warehouse
from doctypes.warehouse.service import require_active_bin
from traciqo_rpc import batching, errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id
from traciqo_rpc.statements import fetch, insert_rows, run

from .model import IN_STOCK, ISSUED, MONEY_SCALE
from .queries import (
    ADD_TO_LEVEL,
    LEVEL,
    LOCK_VALUE,
    MOVE_SERIALS,
    PLACE_SERIALS,
    RECORD_ENTRIES,
    SET_VALUE,
    TAKE_FROM_LEVEL,
)

SERIAL, BATCH = "serial", "batch"


class NotEnoughStock(errors.ValidationError):
    """A move would take a bin below zero (the item does not allow it)."""


class SerialsNotInStock(errors.ValidationError):
    """Serials asked to move that are not in the bin they would move from."""


class SerialsAlreadyInStock(errors.DuplicateEntryError):
    """A receipt of serials that are in stock already."""


class TrackingMismatch(errors.ValidationError):
    """Serial numbers or a batch for an item not tracked that way, or missing for one that is."""


class QuantityMissing(errors.ValidationError):
    """A move of an item not tracked by serial number that does not say how many."""


class StockOutOfRange(errors.ValidationError):
    """A move that would take an item's quantity or value past what a 64-bit column holds."""


# Far beyond any real stock, and inside a signed 64-bit column (9.2e18) with room to spare.
MAX_HELD = 10**18  # thousandths of the unit
MAX_VALUE = 10**18  # ten-thousandths of the currency


class SamePlace(errors.ValidationError):
    """A transfer to the bin it comes from."""


@dataclass(frozen=True)
class Place:
    warehouse: Warehouse
    bin: Bin

    @property
    def label(self) -> str:
        return f"{self.warehouse.code}/{self.bin.code}"


@dataclass
class Move:
    """One move's entries, written together; `moved` is what the answer shows."""

    ctx: RequestContext
    item: Item
    kind: str
    reason: str
    reference: str | None
    id: str = ""
    now: dt.datetime = dt.datetime.min
    entries: list[tuple[Any, ...]] | None = None

    def __post_init__(self) -> None:
        self.id, self.now, self.entries = public_id(), self.ctx.now(), []

    def entry(self, place: Place, quantity: int, level_after: int, batch: str, serial: str | None = None,
              value_change: int = 0) -> None:
        principal = self.ctx.require_principal()
        assert self.entries is not None
        self.entries.append((principal.workspace_id, principal.is_sandbox, self.id, self.kind, self.item.id,
                             place.warehouse.id, place.bin.id, batch, serial, quantity, level_after, value_change,
                             self.reason, self.reference, principal.user_email or principal.key_name, self.now))

    def record(self) -> dict[str, Any]:
        assert self.entries is not None
        insert_rows(RECORD_ENTRIES, self.entries)
        return {"move": self.id, "kind": self.kind, "item": self.item.sku, "entries": len(self.entries),
                "created_at": self.now}


@dataclass(frozen=True)
class MoveCall:
    """One call of a stock method (api.py), for move_many: the move, its caller and its arguments."""

    ctx: RequestContext
    move: Callable[..., dict[str, Any]]
    args: dict[str, Any]


def move_many(calls: Sequence[MoveCall]) -> list[dict[str, Any] | errors.TraciqoError]:
    """The stock methods' calls that arrived together, in one transaction (group commit), each as
    it would run alone. A move locks its item's value row and levels until the commit, so the
    calls take them in the order of their items' ids (batching.each_in_order)."""
    return batching.each_in_order(calls, lambda call: call.move(call.ctx, **call.args),
                                  lambda call: find_item(call.ctx, call.args["item"]).id)


def place_of(ctx: RequestContext, warehouse: str, bin_code: str | None, side: str = "") -> Place:
    """An active bin of an active warehouse; `side` ("from_", "to_") names a transfer's arguments."""
    return Place(*require_active_bin(ctx, warehouse, bin_code, f"{side}warehouse", f"{side}bin"))


def receive(ctx: RequestContext, item: str, warehouse: str, bin: str | None, quantity: int | None,
            unit_cost: int | None, batch: str | None, serial_numbers: list[str] | None, reason: str,
            reference: str | None, kind: str = "receipt") -> dict[str, Any]:
    """Units into a bin at `unit_cost` (ten-thousandths; none: the item's current average)."""
    found = require_active_item(ctx, item)
    place, move = place_of(ctx, warehouse, bin), Move(ctx, found, kind, reason, reference)
    quantity, lot, serials = _tracked(found, quantity, batch, serial_numbers)
    held, value = _lock_value(ctx, found)
    cost = unit_cost if unit_cost is not None else (value * SCALE // held if held > 0 else 0)
    value_change = quantity * cost // SCALE
    _in_range(found, held + quantity, value + value_change)
    level = _add(ctx, found, place, lot, quantity, move.now)
    if serials:
        _place_serials(ctx, found, place, serials, move.now)
        for serial in serials:
            move.entry(place, SCALE, level, lot, serial, cost)
    else:
        move.entry(place, quantity, level, lot, value_change=value_change)
    run(SET_VALUE, (quantity, value_change, found.id), ctx)
    moved = {**move.record(), "quantity": shown(quantity), "target": place.label, "level_after": shown(level)}
    if kind == "receipt":
        publish(ctx, "stock:receipt_posted", {**moved, "serial_numbers": serials, "batch": lot or None,
                                              "unit_cost": money(cost), "reference": reference})
    return moved


def issue(ctx: RequestContext, item: str, warehouse: str, bin: str | None, quantity: int | None, batch: str | None,
          serial_numbers: list[str] | None, reason: str, reference: str | None, kind: str = "issue") -> dict[str, Any]:
    """Units out of a bin, at the item's moving-average cost."""
    found = require_active_item(ctx, item)
    place, move = place_of(ctx, warehouse, bin), Move(ctx, found, kind, reason, reference)
    quantity, lot, serials = _tracked(found, quantity, batch, serial_numbers)
    held, value = _lock_value(ctx, found)
    value_change = -(value * quantity // held) if held > 0 else 0
    _in_range(found, held - quantity, value + value_change)
    level = _take(ctx, found, place, lot, quantity, move.now)
    if serials:
        _move_serials(ctx, found, place, None, serials, ISSUED, move.now)
        for serial, share in zip(serials, _shares(value_change, len(serials)), strict=True):
            move.entry(place, -SCALE, level, lot, serial, share)
    else:
        move.entry(place, -quantity, level, lot, value_change=value_change)
    run(SET_VALUE, (-quantity, value_change, found.id), ctx)
    moved = {**move.record(), "quantity": shown(quantity), "source": place.label, "level_after": shown(level)}
    if held >= found.reorder_level > held - quantity:  # this move took the item below its reorder level
        publish(ctx, "stock:low", {"item": found.sku, "name": found.name, "quantity": shown(held - quantity),
                                   "reorder_level": shown(found.reorder_level), "move": move.id})
    return moved


def transfer(ctx: RequestContext, item: str, from_warehouse: str, from_bin: str | None, to_warehouse: str,
             to_bin: str | None, quantity: int | None, batch: str | None, serial_numbers: list[str] | None,
             reason: str, reference: str | None) -> dict[str, Any]:
    """Units from one bin to another (in the same warehouse or another); the value stays."""
    found = require_active_item(ctx, item)
    source, target = place_of(ctx, from_warehouse, from_bin, "from_"), place_of(ctx, to_warehouse, to_bin, "to_")
    if source.bin.id == target.bin.id:
        raise SamePlace("A transfer needs another bin to go to", field_errors={"to_bin": ["The bin it comes from."]})
    move = Move(ctx, found, "transfer", reason, reference)
    quantity, lot, serials = _tracked(found, quantity, batch, serial_numbers)
    _lock_value(ctx, found)
    taken = _take(ctx, found, source, lot, quantity, move.now)
    added = _add(ctx, found, target, lot, quantity, move.now)
    if serials:
        _move_serials(ctx, found, source, target, serials, IN_STOCK, move.now)
        for serial in serials:
            move.entry(source, -SCALE, taken, lot, serial)
            move.entry(target, SCALE, added, lot, serial)
    else:
        move.entry(source, -quantity, taken, lot)
        move.entry(target, quantity, added, lot)
    return {**move.record(), "quantity": shown(quantity), "source": source.label,
            "target": target.label, "level_after": {"source": shown(taken), "target": shown(added)}}


def adjust(ctx: RequestContext, item: str, warehouse: str, bin: str | None, change: int, batch: str | None,
           serial_numbers: list[str] | None, reason: str, reference: str | None) -> dict[str, Any]:
    """A correction by `change` units (found: positive; lost or broken: negative)."""
    if change > 0:
        return receive(ctx, item, warehouse, bin, change, None, batch, serial_numbers, reason, reference, "adjustment")
    return issue(ctx, item, warehouse, bin, -change, batch, serial_numbers, reason, reference, "adjustment")


def count(ctx: RequestContext, item: str, warehouse: str, bin: str | None, counted: int, batch: str | None,
          reason: str, reference: str | None) -> dict[str, Any]:
    """A stock count: the difference between what was counted and what the level says is posted."""
    found = require_active_item(ctx, item)
    if found.tracking == SERIAL:
        raise TrackingMismatch("A serial-tracked item is counted by receiving or adjusting its serials",
                               field_errors={"item": ["Serial-tracked: adjust by serial number instead."]})
    place = place_of(ctx, warehouse, bin)
    _, lot, _ = _tracked(found, None, batch, None, need_quantity=False)
    _lock_value(ctx, found)
    rows = fetch(LEVEL, (found.id, place.bin.id, lot), ctx)
    expected = rows[0][0] if rows else 0
    difference = counted - expected
    outcome: dict[str, Any] = {"counted": shown(counted), "expected": shown(expected), "difference": shown(difference)}
    if difference > 0:
        return {**receive(ctx, item, warehouse, bin, difference, None, batch, None, reason, reference, "count"), **outcome}
    if difference < 0:
        return {**issue(ctx, item, warehouse, bin, -difference, batch, None, reason, reference, "count"), **outcome}
    return {"move": None, "kind": "count", "item": found.sku, "entries": 0, "created_at": ctx.now(),
            "quantity": 0, "level_after": shown(expected), **outcome}


def _tracked(item: Item, quantity: int | None, batch: str | None, serials: Sequence[str] | None,
             need_quantity: bool = True) -> tuple[int, str, list[str]]:
    """(quantity in thousandths, batch or "", serials) as the item's tracking wants them."""
    if item.tracking == SERIAL:
        if not serials:
            raise TrackingMismatch("Serial-tracked: name the serial numbers that move",
                                   field_errors={"serial_numbers": ["Required for a serial-tracked item."]})
        unique = list(dict.fromkeys(serials))
        if len(unique) != len(serials):
            raise TrackingMismatch("A serial number is named twice", field_errors={"serial_numbers": ["Named twice."]})
        if quantity is not None and quantity != len(unique) * SCALE:
            raise TrackingMismatch(f"{len(unique)} serial numbers but a quantity of {shown(quantity)}",
                                   field_errors={"quantity": ["One unit per serial number (or leave it out)."]})
        return len(unique) * SCALE, batch or "", unique
    if serials:
        raise TrackingMismatch("This item is not tracked by serial number",
                               field_errors={"serial_numbers": ["Not tracked by serial number."]})
    if item.tracking == BATCH and not batch:
        raise TrackingMismatch("Batch-tracked: name the batch", field_errors={"batch": ["Required for a batch-tracked item."]})
    if item.tracking != BATCH and batch:
        raise TrackingMismatch("This item is not tracked by batch", field_errors={"batch": ["Not tracked by batch."]})
    if quantity is None and need_quantity:
        raise QuantityMissing("Say how many", field_errors={"quantity": ["Missing data for required field."]})
    return quantity or 0, batch or "", []


def _in_range(item: Item, held: int, value: int) -> None:
    """417 before a move that would take the item's quantity or value out of the columns' range."""
    if abs(held) >= MAX_HELD or abs(value) >= MAX_VALUE:
        raise StockOutOfRange(f"{item.sku}: this move would take its quantity or value past what can be kept",
                              field_errors={"quantity": ["Too large for this item's stock and value."]})


def _lock_value(ctx: RequestContext, item: Item) -> tuple[int, int]:
    principal = ctx.require_principal()
    held, value = fetch(LOCK_VALUE, (principal.workspace_id, principal.is_sandbox, item.id))[0]
    return int(held), int(value)


def _add(ctx: RequestContext, item: Item, place: Place, batch: str, quantity: int, now: dt.datetime) -> int:
    principal = ctx.require_principal()
    return int(fetch(ADD_TO_LEVEL, (principal.workspace_id, principal.is_sandbox, item.id, place.warehouse.id,
                                    place.bin.id, batch, quantity, now))[0][0])


def _take(ctx: RequestContext, item: Item, place: Place, batch: str, quantity: int, now: dt.datetime) -> int:
    rows = fetch(TAKE_FROM_LEVEL, (quantity, now, item.id, place.bin.id, batch, quantity, item.allow_negative_stock), ctx)
    if rows:
        return int(rows[0][0])
    if item.allow_negative_stock:  # no level yet: it starts below zero
        return _add(ctx, item, place, batch, -quantity, now)
    levels = fetch(LEVEL, (item.id, place.bin.id, batch), ctx)
    held = int(levels[0][0]) if levels else 0
    where = place.label + (f" (batch {batch})" if batch else "")
    raise NotEnoughStock(f"Not enough {item.sku} in {where}: {shown(held)} there, {shown(quantity)} asked, "
                         f"{shown(quantity - held)} short",
                         field_errors={"quantity": [f"{shown(held)} in stock, {shown(quantity - held)} short."]})


def _place_serials(ctx: RequestContext, item: Item, place: Place, serials: list[str], now: dt.datetime) -> None:
    principal = ctx.require_principal()
    placed = {row[0] for row in fetch(PLACE_SERIALS, (principal.workspace_id, principal.is_sandbox, item.id,
                                                     place.warehouse.id, place.bin.id, IN_STOCK, now, *serials),
                                      values=len(serials))}
    already = [serial for serial in serials if serial not in placed]
    if already:
        raise SerialsAlreadyInStock(f"Already in stock: {', '.join(already[:20])}",
                                    field_errors={"serial_numbers": [f"Already in stock: {', '.join(already[:20])}"]})


def _move_serials(ctx: RequestContext, item: Item, source: Place, target: Place | None, serials: list[str],
                  status: str, now: dt.datetime) -> None:
    moved = {row[0] for row in fetch(
        MOVE_SERIALS, (target.warehouse.id if target else None, target.bin.id if target else None, status, now,
                       item.id, source.bin.id, *serials), ctx, values=len(serials))}
    missing = [serial for serial in serials if serial not in moved]
    if missing:
        raise SerialsNotInStock(f"Not in {source.label}: {', '.join(missing[:20])}",
                                field_errors={"serial_numbers": [f"Not in {source.label}: {', '.join(missing[:20])}"]})


def _shares(total: int, parts: int) -> list[int]:
    """`total` in `parts` whole shares that add up to it exactly (the ledger's values sum to the item's)."""
    each, left = divmod(total, parts)
    return [each + (1 if index < left else 0) for index in range(parts)]


def money(ten_thousandths: int) -> float:
    return ten_thousandths / MONEY_SCALE
