"""Builds: planned from a BOM (what each level needs, against what the warehouse holds), then
completed (completion.py) or cancelled.

A plan fixes what the build consumes: the BOM's own lines, or with `explode` the leaves of
every level (the sub-assemblies' default BOMs as they are when it is planned); the BOMs read
are locked, so a later change is a new version and this build keeps what it read. The output's
tracking is checked here: serial numbers (given, or a prefix and a sequence), or its batch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import peewee

from doctypes.bom import explosion
from doctypes.bom import service as boms
from doctypes.bom.model import Bom
from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import find_item, require_active_item
from doctypes.plan.model import Plan
from doctypes.serial_number.queries import EXISTING
from doctypes.warehouse.model import Bin, Warehouse
from doctypes.warehouse.service import require_active_bin, require_active_warehouse
from doctypes.workspace.model import Workspace
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import paginate, public_id
from traciqo_rpc.statements import run

from . import picking
from .model import CANCELLED, PLANNED, Build, BuildLine
from .schema import MAX_UNITS

SERIAL_DIGITS = 6  # BK-000001: a generated serial's sequence, zero-padded (wider past 999,999)


class BuildNotFound(errors.DoesNotExistError):
    """No build of that id in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "Build not found"


class BuildNotPlanned(errors.ValidationError):
    """Completing or cancelling a build that is completed or cancelled already."""


class OutputTrackingMismatch(errors.ValidationError):
    """Serial numbers, a prefix or a batch that the output's tracking does not take, or missing when it does."""


class SerialCountMismatch(errors.ValidationError):
    """A serial-tracked output with not one serial number per unit."""


class WholeUnitsNeeded(errors.ValidationError):
    """Serial numbers, codes or a serial-tracked component for a part of a unit."""


class TooManyUnits(errors.LimitExceeded):
    """More than MAX_UNITS serial numbers or codes in one build."""


class SerialNumbersTaken(errors.DuplicateEntryError):
    """The output's serial numbers are the workspace's serial numbers already (another unit's)."""


@dataclass(frozen=True)
class Planned:
    """What a build makes and consumes, before it is saved (plan_build) or when it is (create_build)."""

    item: Item
    bom: Bom
    quantity: int
    explode: bool
    source: picking.Source
    needs: dict[str, int]  # component item id -> thousandths, in the BOM's order
    boms_read: frozenset[str]


def plan(ctx: RequestContext, quantity: int, warehouse: str, item: str | None = None, bom: str | None = None,
         bin: str | None = None, explode: bool = False) -> Planned:
    """What `quantity` of the item needs from the warehouse (or bin); 417 for a part of a serial-tracked unit."""
    found = boms.resolve(ctx, item, bom)
    output = require_active_item(ctx, found.item_id, "bom" if bom else "item")
    nodes = boms.explode(ctx, found, quantity)
    needs = explosion.leaves(nodes) if explode else explosion.direct(nodes)
    read = {found.id, *(node.recipe.bom_id for node in nodes if node.recipe and node.recipe.bom_id)} if explode else {found.id}
    components = boms.items_by_id(ctx, needs)
    for item_id, needed in needs.items():
        if components[item_id].tracking == "serial" and needed % SCALE:
            raise WholeUnitsNeeded(f"{components[item_id].sku} is serial-tracked: {shown(needed)} is not whole units",
                                   field_errors={"quantity": [f"Needs {shown(needed)} of {components[item_id].sku}, "
                                                              "which moves in whole units."]})
    if bin is not None:
        source = picking.Source(*require_active_bin(ctx, warehouse, bin))
    else:
        source = picking.Source(require_active_warehouse(ctx, warehouse), None)
    return Planned(output, found, quantity, explode, source, needs, frozenset(read))


def plan_build(ctx: RequestContext, quantity: int, warehouse: str, item: str | None = None, bom: str | None = None,
               bin: str | None = None, explode: bool = False, with_codes: bool = False) -> dict[str, Any]:
    """The requirements with what is available and short; nothing is saved."""
    planned = plan(ctx, quantity, warehouse, item, bom, bin, explode)
    return _plan_dict(ctx, planned, list(planned.needs.items()), with_codes, True)


def create_build(ctx: RequestContext, quantity: int, warehouse: str, item: str | None = None, bom: str | None = None,
                 bin: str | None = None, explode: bool = False, with_codes: bool = False,
                 serial_numbers: list[str] | None = None, serial_prefix: str | None = None,
                 output_warehouse: str | None = None, output_bin: str | None = None, batch: str | None = None,
                 note: str = "") -> dict[str, Any]:
    """A planned build: what it consumes fixed, the BOMs it read locked, its output's serial numbers chosen."""
    planned = plan(ctx, quantity, warehouse, item, bom, bin, explode)
    _check_output(planned.item, quantity, serial_numbers, serial_prefix, batch, with_codes)
    target = require_active_bin(ctx, output_warehouse or planned.source.warehouse.id, output_bin,
                                "output_warehouse", "output_bin")
    principal = ctx.require_principal()
    values = dict(item_id=planned.item.id, bom_id=planned.bom.id, quantity=quantity, explode=explode,
                  warehouse_id=planned.source.warehouse.id, bin_id=planned.source.bin.id if planned.source.bin else None,
                  output_warehouse_id=target[0].id, output_bin_id=target[1].id, batch=batch or "",
                  serial_numbers=json.dumps(serial_numbers or []), serial_prefix=serial_prefix, with_codes=with_codes,
                  note=note, created_by=principal.user_email or principal.key_name, created_at=ctx.now(),
                  **Build.scope_values(ctx))
    build = _saved(ctx, values, serial_numbers or [], quantity // SCALE)
    BuildLine.insert_many([{"build_id": build.id, "position": position, "item_id": item_id, "quantity": needed,
                            **BuildLine.scope_values(ctx)}
                           for position, (item_id, needed) in enumerate(planned.needs.items(), 1)]).execute()
    boms.lock(ctx, planned.boms_read)
    return build_dict(ctx, build, planned, target)


def _check_output(item: Item, quantity: int, serials: list[str] | None, prefix: str | None, batch: str | None,
                  with_codes: bool) -> None:
    units, whole = divmod(quantity, SCALE)
    if (item.tracking == "serial" or with_codes) and whole:
        raise WholeUnitsNeeded(f"{shown(quantity)} is not whole units: serial numbers and codes are one per unit",
                               field_errors={"quantity": ["Whole units only (one serial number or code each)."]})
    if (item.tracking == "serial" or with_codes) and units > MAX_UNITS:
        raise TooManyUnits(f"At most {MAX_UNITS:,} serialised or coded units per build",
                           field_errors={"quantity": [f"At most {MAX_UNITS:,}: split the build."]})
    if item.tracking != "serial" and (serials or prefix):
        raise OutputTrackingMismatch(f"{item.sku} is not tracked by serial number", field_errors={
            "serial_numbers" if serials else "serial_prefix": ["The item is not tracked by serial number."]})
    if item.tracking == "serial" and not (serials or prefix):
        raise OutputTrackingMismatch(f"{item.sku} is serial-tracked: give serial_numbers or a serial_prefix",
                                     field_errors={"serial_numbers": ["One per unit, or give serial_prefix."]})
    if serials and len(set(serials)) != len(serials):
        raise SerialCountMismatch("A serial number is named twice", field_errors={"serial_numbers": ["Named twice."]})
    if serials and len(serials) != units:
        raise SerialCountMismatch(f"{len(serials)} serial numbers for {shown(quantity)} units",
                                  field_errors={"serial_numbers": [f"One per unit: {units} needed."]})
    if item.tracking == "batch" and not batch:
        raise OutputTrackingMismatch(f"{item.sku} is batch-tracked: name the batch",
                                     field_errors={"batch": ["Required for a batch-tracked item."]})
    if item.tracking != "batch" and batch:
        raise OutputTrackingMismatch(f"{item.sku} is not tracked by batch",
                                     field_errors={"batch": ["The item is not tracked by batch."]})


def _saved(ctx: RequestContext, values: dict[str, Any], given: list[str], units: int) -> Build:
    """The build row; a generated range of serial numbers is the next free one of its prefix (a
    unique index decides between builds planned at once: the loser takes the following range)."""
    prefix = values["serial_prefix"]
    for _attempt in range(5):
        first = _next_in_sequence(ctx, prefix) if prefix else None
        refuse_taken(ctx, serials_of(prefix, first, units) if prefix else given)
        try:
            with db.database.atomic():  # a savepoint: a lost race retries, not a poisoned transaction
                return Build.create(id=public_id(), serial_first=first, **values)
        except peewee.IntegrityError:
            continue
    raise SerialNumbersTaken(f"Builds with the prefix {prefix!r} are being planned at the same time; try again")


def _next_in_sequence(ctx: RequestContext, prefix: str) -> int:
    """After the last range any build of this prefix planned (cancelled ones' ranges stay used)."""
    last = Build.scoped(ctx, peewee.fn.MAX(Build.serial_first + Build.quantity / SCALE)).where(
        Build.serial_prefix == prefix).scalar()
    return int(last or 1)


def serials_of(prefix: str | None, first: int | None, units: int) -> list[str]:
    """A generated range: the prefix, then the sequence zero-padded."""
    return [f"{prefix}{number:0{SERIAL_DIGITS}d}" for number in range(first or 1, (first or 1) + units)]


def output_serials(build: Build) -> list[str]:
    given: list[str] = json.loads(build.serial_numbers)
    return given or (serials_of(build.serial_prefix, build.serial_first, build.quantity // SCALE)
                     if build.serial_prefix else [])


def refuse_taken(ctx: RequestContext, serials: list[str]) -> None:
    """409 naming the serial numbers the workspace has already (the warranty module's)."""
    taken: list[str] = []
    for start in range(0, len(serials), boms.CHUNK):  # the serial module's statement: a peewee IN list costs more
        chunk = serials[start:start + boms.CHUNK]
        taken += [serial for (serial,) in run(EXISTING, chunk, ctx, values=len(chunk))]
    if taken:
        raise SerialNumbersTaken(f"Serial numbers in use: {', '.join(sorted(taken)[:20])}",
                                 field_errors={"serial_numbers": [f"In use: {', '.join(sorted(taken)[:20])}."]})


def find_build(ctx: RequestContext, ref: str) -> Build:
    build = Build.scoped(ctx).where(Build.id == ref.strip()).first()
    if build is None:
        raise BuildNotFound(field_errors={"build": [f"No build {ref[:32]!r} in this workspace."]})
    return build


def get_build(ctx: RequestContext, ref: str) -> dict[str, Any]:
    return build_dict(ctx, find_build(ctx, ref))


def cancel_build(ctx: RequestContext, ref: str, reason: str = "") -> dict[str, Any]:
    """A planned build that will not be made; nothing moved, so nothing moves back."""
    found = find_build(ctx, ref)
    note = (found.note + (" · " if found.note and reason else "") + reason)[:255]
    claim(found, Build.update(status=CANCELLED, cancelled_at=ctx.now(), note=note))
    return build_dict(ctx, find_build(ctx, found.id))


def claim(build: Build, update: peewee.ModelUpdate) -> None:
    """Change a planned build, in one statement that only a planned one passes (a second
    completion waits for the first, then finds it completed)."""
    if update.where(Build.id == build.id, Build.status == PLANNED).execute() == 0:
        status = Build.select(Build.status).where(Build.id == build.id).scalar()
        raise BuildNotPlanned(f"The build is {status}", field_errors={"build": [f"Already {status}."]})


def list_builds(ctx: RequestContext, limit: int, offset: int, status: str | None = None,
                item: str | None = None) -> dict[str, Any]:
    """Newest first."""
    query = Build.scoped(ctx).order_by(Build.id.desc())
    if status is not None:
        query = query.where(Build.status == status)
    if item is not None:
        query = query.where(Build.item_id == find_item(ctx, item).id)
    page = paginate(query, limit, offset, lambda build: build)
    items = boms.items_by_id(ctx, {build.item_id for build in page["data"]})
    page["data"] = [{"id": b.id, "item": items[b.item_id].sku, "item_name": items[b.item_id].name,
                     "quantity": shown(b.quantity), "status": b.status, "created_at": b.created_at,
                     "completed_at": b.completed_at} for b in page["data"]]
    return page


def build_dict(ctx: RequestContext, build: Build, planned: Planned | None = None,
               output: tuple[Warehouse, Bin] | None = None) -> dict[str, Any]:
    """The build with its requirements, and while it is planned, what is available and short
    (`planned` and `output`: what the caller has read already)."""
    if planned is None or output is None:
        source, output = places(build)
        needs = {line.item_id: line.quantity for line in
                 BuildLine.scoped(ctx).where(BuildLine.build_id == build.id).order_by(BuildLine.position)}
        planned = Planned(Item.get_by_id(build.item_id), Bom.get_by_id(build.bom_id), build.quantity, build.explode,
                          source, needs, frozenset())
    return {**_plan_dict(ctx, planned, list(planned.needs.items()), build.with_codes, build.status == PLANNED),
            "id": build.id, "status": build.status, "output_warehouse": output[0].code, "output_bin": output[1].code,
            "serial_numbers": output_serials(build), "batch": build.batch or None, "code_batch": build.code_batch,
            "consumed_value": build.consumed_value / 10_000,
            "unit_cost": None if build.unit_cost is None else build.unit_cost / 10_000, "note": build.note,
            "created_by": build.created_by, "created_at": build.created_at, "completed_at": build.completed_at,
            "cancelled_at": build.cancelled_at}


def places(build: Build) -> tuple[picking.Source, tuple[Warehouse, Bin]]:
    """Where the components come from and the units go (two queries; the ids are the build's)."""
    warehouses = {w.id: w for w in Warehouse.select().where(Warehouse.id.in_([build.warehouse_id,
                                                                               build.output_warehouse_id]))}
    bins = {b.id: b for b in Bin.select().where(Bin.id.in_([build.output_bin_id, build.bin_id or 0]))}
    source = picking.Source(warehouses[build.warehouse_id], bins[build.bin_id] if build.bin_id else None)
    return source, (warehouses[build.output_warehouse_id], bins[build.output_bin_id])


def _plan_dict(ctx: RequestContext, planned: Planned, lines: list[tuple[str, int]], with_codes: bool,
               open_: bool) -> dict[str, Any]:
    items = boms.items_by_id(ctx, [item_id for item_id, _ in lines])
    held = picking.available(ctx, items, planned.source) if open_ else {}
    requirements = []
    for item_id, needed in lines:
        component = items[item_id]
        available = held.get(item_id, 0)
        short = 0 if component.allow_negative_stock and component.tracking == "none" else max(0, needed - available)
        requirements.append({"item": component.sku, "name": component.name, "unit": component.unit,
                             "tracking": component.tracking, "needed": shown(needed),
                             "available": shown(available) if open_ else None, "short": shown(short) if open_ else None})
    codes_left = codes_available(ctx) if with_codes else None
    codes_short = codes_left is not None and codes_left < planned.quantity // SCALE
    return {"item": planned.item.sku, "item_name": planned.item.name, "unit": planned.item.unit, "bom": planned.bom.id,
            "bom_version": planned.bom.version, "quantity": shown(planned.quantity), "explode": planned.explode,
            "warehouse": planned.source.warehouse.code, "bin": planned.source.bin.code if planned.source.bin else None,
            "requirements": requirements, "with_codes": with_codes, "codes_available": codes_left,
            "ready": (not codes_short and all(r["short"] == 0 for r in requirements)) if open_ else None}


def codes_available(ctx: RequestContext) -> int | None:
    """Live codes the workspace's plan still allows (None: no limit, or the sandbox, which is never counted)."""
    principal = ctx.require_principal()
    if principal.is_sandbox:
        return None
    limit = Plan.select(Plan.code_limit).where(Plan.name == principal.plan).scalar()
    if limit is None:
        return None
    used = Workspace.select(Workspace.live_codes_issued).where(Workspace.id == principal.workspace_id).scalar() or 0
    return max(0, limit - used)
