"""Warehouses and their bins: created with a default bin, found by id or code, listed, changed,
made inactive. Stock moves find their bin here (find_bin, require_active_bin)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import peewee

from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id
from traciqo_rpc.statements import fetch

from .model import DEFAULT_BIN, Bin, Warehouse
from .queries import PLACE

MAX_BINS = 1000  # per warehouse: get_warehouse answers all of them


class WarehouseNotFound(errors.DoesNotExistError):
    """No warehouse of that id or code in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Warehouse not found"


class BinNotFound(errors.DoesNotExistError):
    """The warehouse has no bin of that code."""

    def default_message(self) -> str:
        return "Bin not found"


class WarehouseInactive(errors.PermissionError):
    """The warehouse was made inactive: nothing moves into, out of or within it until reactivated."""

    error_code = "inactive"

    def default_message(self) -> str:
        return "Warehouse is inactive"


class BinInactive(errors.PermissionError):
    """The bin was made inactive: no stock moves into or out of it."""

    error_code = "inactive"

    def default_message(self) -> str:
        return "Bin is inactive"


class WarehouseCodeTaken(errors.DuplicateEntryError):
    """Another warehouse of the workspace and environment has that code."""


class BinCodeTaken(errors.DuplicateEntryError):
    """The warehouse has a bin of that code already."""


class DefaultBinKept(errors.ValidationError):
    """The default bin is where moves that name no bin go: it stays active."""


class TooManyBins(errors.LimitExceeded):
    """A warehouse holds at most MAX_BINS bins."""


# -- Warehouses ----------------------------------------------------------------------------------

def create_warehouse(ctx: RequestContext, code: str, name: str, address: str = "",
                     bins: Iterable[str] = ()) -> dict[str, Any]:
    """A warehouse with its default bin and the bins named, in one transaction; 409 if the code is taken."""
    codes = list(dict.fromkeys([DEFAULT_BIN, *bins]))
    now = ctx.now()
    try:
        with db.database.atomic():  # a savepoint: a lost race is a 409, not a poisoned transaction
            warehouse = Warehouse.create(id=public_id(), code=code, name=name, address=address, created_at=now,
                                         **Warehouse.scope_values(ctx))
            Bin.insert_many([{"warehouse_id": warehouse.id, "code": bin_code, "created_at": now,
                              **Bin.scope_values(ctx)} for bin_code in codes]).execute()
    except peewee.IntegrityError:  # the unique index on the code decides between concurrent creations
        raise WarehouseCodeTaken(f"A warehouse with the code {code!r} exists",
                                 field_errors={"code": ["Taken by another warehouse."]}) from None
    return warehouse_detail(ctx, warehouse)


def find_warehouse(ctx: RequestContext, ref: str, field: str = "warehouse") -> Warehouse:
    """The caller's warehouse by id or code (any case); 404 naming the argument."""
    warehouse = (Warehouse.scoped(ctx).where(Warehouse.id == ref).first()
                 or Warehouse.scoped(ctx).where(Warehouse.code == ref.upper()).first())
    if warehouse is None:
        raise WarehouseNotFound(field_errors={field: [f"No warehouse {ref!r} in this workspace."]})
    return warehouse


def require_active_warehouse(ctx: RequestContext, ref: str, field: str = "warehouse") -> Warehouse:
    """The caller's warehouse (404), if it is active (403 inactive)."""
    warehouse = find_warehouse(ctx, ref, field)
    if not warehouse.active:
        raise WarehouseInactive(field_errors={field: [f"Warehouse {warehouse.code} is inactive."]})
    return warehouse


def get_warehouse(ctx: RequestContext, ref: str) -> dict[str, Any]:
    return warehouse_detail(ctx, find_warehouse(ctx, ref))


def update_warehouse(ctx: RequestContext, ref: str, **changes: Any) -> dict[str, Any]:
    """Change the fields sent (name, address, active); its code stays (moves and labels name it)."""
    warehouse = find_warehouse(ctx, ref)
    changed = {name: value for name, value in changes.items() if getattr(warehouse, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(warehouse, name, value)
        warehouse.save(only=[getattr(Warehouse, name) for name in changed])
    return warehouse_dict(warehouse)


# The orders a list offers (records.ordered): each one an index gives (ids are time-first).
ORDERS = {"code": (Warehouse.code,), "created": (Warehouse.id,)}


def list_warehouses(ctx: RequestContext, limit: int, offset: int, search: str | None = None,
                    active: bool | None = None, order: str = "code") -> dict[str, Any]:
    query = ordered(Warehouse.scoped(ctx), ORDERS, order)
    if search:
        query = query.where(Warehouse.code.contains(search) | Warehouse.name.contains(search))
    if active is not None:
        query = query.where(Warehouse.active == active)
    return paginate(query, limit, offset, warehouse_dict)


# -- Bins ----------------------------------------------------------------------------------------

def find_bin(ctx: RequestContext, warehouse_ref: str | Warehouse, bin_code: str | None,
             field: str = "bin") -> Bin:
    """A bin of the caller's warehouse by code (any case), the default bin when None; 404 naming
    the argument (`field`, e.g. "to_bin" for a transfer)."""
    warehouse = warehouse_ref if isinstance(warehouse_ref, Warehouse) else find_warehouse(ctx, warehouse_ref)
    code = DEFAULT_BIN if bin_code is None else bin_code.upper()
    found = Bin.scoped(ctx).where(Bin.warehouse_id == warehouse.id, Bin.code == code).first()
    if found is None:
        raise BinNotFound(field_errors={field: [f"Warehouse {warehouse.code} has no bin {code!r}."]})
    return found


def require_active_bin(ctx: RequestContext, warehouse_ref: str, bin_code: str | None,
                       warehouse_field: str = "warehouse", bin_field: str = "bin") -> tuple[Warehouse, Bin]:
    """Where stock may move: an active bin (the default one when None) of an active warehouse.
    Every stock move asks, so the warehouse and its bin come in one statement by hand (queries.py),
    refused in find_warehouse's, require_active_warehouse's and find_bin's order and words."""
    code = DEFAULT_BIN if bin_code is None else bin_code.upper()
    places = fetch(PLACE, (code, warehouse_ref, warehouse_ref.upper(), warehouse_ref), ctx)
    if not places:
        raise WarehouseNotFound(field_errors={warehouse_field: [f"No warehouse {warehouse_ref!r} in this workspace."]})
    warehouse, found = places[0]
    if not warehouse.active:
        raise WarehouseInactive(field_errors={warehouse_field: [f"Warehouse {warehouse.code} is inactive."]})
    if found is None:
        raise BinNotFound(field_errors={bin_field: [f"Warehouse {warehouse.code} has no bin {code!r}."]})
    if not found.active:
        raise BinInactive(field_errors={bin_field: [f"Bin {found.code} of {warehouse.code} is inactive."]})
    return warehouse, found


def add_bin(ctx: RequestContext, warehouse_ref: str, code: str, name: str = "") -> dict[str, Any]:
    """A new bin of an active warehouse; 409 if the warehouse has that code already."""
    warehouse = require_active_warehouse(ctx, warehouse_ref)
    # Locks the warehouse's row (PostgreSQL; SQLite has one writer): bins added concurrently are
    # counted one after another, so none passes MAX_BINS.
    Warehouse.update(code=Warehouse.code).where(Warehouse.id == warehouse.id).execute()
    if Bin.scoped(ctx).where(Bin.warehouse_id == warehouse.id).count() >= MAX_BINS:
        raise TooManyBins(f"A warehouse holds at most {MAX_BINS} bins",
                          field_errors={"bin": [f"Warehouse {warehouse.code} has {MAX_BINS} bins already."]})
    try:
        with db.database.atomic():  # a savepoint: the caller's transaction goes on after a 409
            created = Bin.create(warehouse_id=warehouse.id, code=code, name=name, created_at=ctx.now(),
                                 **Bin.scope_values(ctx))
    except peewee.IntegrityError:
        raise BinCodeTaken(f"Warehouse {warehouse.code} has a bin {code!r}",
                           field_errors={"bin": ["Taken by another bin of this warehouse."]}) from None
    return bin_dict(created)


def set_bin_active(ctx: RequestContext, warehouse_ref: str, bin_code: str, active: bool) -> dict[str, Any]:
    """Make a bin of an active warehouse active or inactive; the default bin stays active (417)."""
    warehouse = require_active_warehouse(ctx, warehouse_ref)
    found = find_bin(ctx, warehouse, bin_code)
    if not active and found.code == DEFAULT_BIN:
        raise DefaultBinKept(f"The {DEFAULT_BIN} bin cannot be deactivated", field_errors={
            "bin": [f"Moves that name no bin go to {DEFAULT_BIN}: deactivate the warehouse instead."]})
    if found.active != active:
        found.active = active
        found.save(only=[Bin.active])
    return bin_dict(found)


def list_bins(ctx: RequestContext, warehouse_ref: str, limit: int = 100, offset: int = 0,
              active: bool | None = None) -> dict[str, Any]:
    """A page of the warehouse's bins, by code."""
    warehouse = find_warehouse(ctx, warehouse_ref)
    query = Bin.scoped(ctx).where(Bin.warehouse_id == warehouse.id).order_by(Bin.code)
    if active is not None:
        query = query.where(Bin.active == active)
    return paginate(query, limit, offset, bin_dict)


# -- Answers -------------------------------------------------------------------------------------

def warehouse_dict(warehouse: Warehouse) -> dict[str, Any]:
    return {
        "id": warehouse.id,
        "code": warehouse.code,
        "name": warehouse.name,
        "address": warehouse.address,
        "active": warehouse.active,
        "created_at": warehouse.created_at,
    }


def warehouse_detail(ctx: RequestContext, warehouse: Warehouse) -> dict[str, Any]:
    """The warehouse with all its bins (at most MAX_BINS), by code."""
    bins = Bin.scoped(ctx).where(Bin.warehouse_id == warehouse.id).order_by(Bin.code)
    return {**warehouse_dict(warehouse), "bins": [bin_dict(b) for b in bins]}


def bin_dict(found: Bin) -> dict[str, Any]:
    return {
        "id": found.id,
        "warehouse_id": found.warehouse_id,
        "code": found.code,
        "name": found.name,
        "active": found.active,
        "default": found.code == DEFAULT_BIN,
        "created_at": found.created_at,
    }
