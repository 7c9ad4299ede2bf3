"""Completing a build, in the method's one transaction: the components are issued
(`build_consume`), the units received at what the components were worth (`build_produce`:
valuation flows from components to the product), a serial-tracked output's serial numbers
registered for warranties, codes issued when asked, and `Build Completed` published. Any
refusal (a component short, a serial number in use, the plan's code limit) rolls all of it back.

Serial-tracked components are taken by the serial numbers `components` names, or picked in bin
code order, then serial number order.
"""

from __future__ import annotations

from typing import Any

from doctypes.auth_code.service import issue_codes
from doctypes.bom.model import Bom
from doctypes.bom.service import items_by_id
from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.serial_number.service import add_serial_numbers
from doctypes.stock import service as stock
from doctypes.stock.queries import LOCK_VALUE
from traciqo_rpc import errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch

from . import picking
from .model import COMPLETED, Build, BuildLine
from .service import Planned, SerialNumbersTaken, build_dict, claim, find_build, output_serials, places

EVENT_SERIALS_MAX = 1000  # a Build Completed event lists the serial numbers of builds up to this size


class NotEnoughComponents(errors.ValidationError):
    """The source holds less of some components than the build consumes."""


def complete_build(ctx: RequestContext, ref: str, components: dict[str, list[str]], reason: str = "") -> dict[str, Any]:
    """Consume the components and produce the units, or refuse (417 naming every shortfall) and change nothing."""
    build = find_build(ctx, ref)
    now = ctx.now()
    claim(build, Build.update(status=COMPLETED, completed_at=now))
    source, output = places(build)
    lines = list(BuildLine.scoped(ctx).where(BuildLine.build_id == build.id).order_by(BuildLine.position))
    needs = {line.item_id: line.quantity for line in lines}
    parts = items_by_id(ctx, [build.item_id, *(line.item_id for line in lines)])
    named = _named_serials(ctx, components, {line.item_id: parts[line.item_id] for line in lines})
    # Item id order: two builds of shared components lock their value rows in one order.
    lines.sort(key=lambda line: line.item_id)
    picks, shortfalls = [], []
    for line in lines:
        part = parts[line.item_id]
        takes, short = picking.pick(ctx, part, line.quantity, source, named.get(part.id))
        if short:
            shortfalls.append(f"{part.sku}: {shown(short):,} {part.unit} short ({shown(line.quantity):,} needed, "
                              f"{shown(line.quantity - short):,} in {source.label()})")
        picks.append((part, takes))
    if shortfalls:
        raise NotEnoughComponents("Not enough components: " + "; ".join(shortfalls),
                                  field_errors={"components": shortfalls})
    why = reason or f"Build {build.id}"
    consumed = sum(_consume(ctx, build, part, source, takes, why) for part, takes in picks)
    unit_cost = consumed * SCALE // build.quantity
    product, serials = parts[build.item_id], output_serials(build)
    stock.receive(ctx, product.id, build.output_warehouse_id, output[1].code, None if serials else build.quantity,
                  unit_cost, build.batch or None, serials or None, why, build.id, kind="build_produce")
    if serials:
        _register(ctx, product, serials)
    codes = issue_codes(ctx, f"BUILD-{build.id}", build.quantity // SCALE, product.product_id)["codes"] \
        if build.with_codes else []
    build.status, build.completed_at = COMPLETED, now  # as claim() wrote them
    build.consumed_value, build.unit_cost, build.code_batch = consumed, unit_cost, f"BUILD-{build.id}" if codes else None
    build.save(only=[Build.consumed_value, Build.unit_cost, Build.code_batch])
    planned = Planned(product, Bom.get_by_id(build.bom_id), build.quantity, build.explode, source, needs, frozenset())
    done = build_dict(ctx, build, planned, output)
    publish(ctx, "build:completed", {
        "build": build.id, "item": product.sku, "quantity": done["quantity"], "bom": done["bom"],
        "bom_version": done["bom_version"], "unit_cost": done["unit_cost"], "consumed_value": done["consumed_value"],
        "target": f'{done["output_warehouse"]}/{done["output_bin"]}', "batch": done["batch"],
        "serial_numbers": serials if len(serials) <= EVENT_SERIALS_MAX else None, "code_batch": done["code_batch"]})
    return {**done, "codes": codes}


def _named_serials(ctx: RequestContext, components: dict[str, list[str]], parts: dict[str, Item]) -> dict[str, list[str]]:
    """`components` by item id; a key that is no serial-tracked component of the build is refused."""
    by_ref = {key: part for part in parts.values() for key in (part.id, part.sku)}
    named: dict[str, list[str]] = {}
    for ref, serials in components.items():
        part = by_ref.get(ref.strip()) or by_ref.get(ref.strip().upper())
        if part is None or part.tracking != "serial":
            raise picking.ComponentSerialsWrong(f"{ref[:64]} is no serial-tracked component of this build",
                                                field_errors={"components": [f"{ref[:64]}: not a serial-tracked "
                                                                             "component of this build."]})
        named[part.id] = serials
    return named


def _consume(ctx: RequestContext, build: Build, part: Item, source: picking.Source, takes: list[picking.Take],
             why: str) -> int:
    """Issue the takes; answers what they were worth (ten-thousandths), read from the item's value
    before and after them, its row locked first as every stock move locks it."""
    before = _value(ctx, part)
    for take in takes:
        stock.issue(ctx, part.id, source.warehouse.id, take.bin_code, None if take.serials else take.quantity,
                    take.batch or None, list(take.serials) or None, why, build.id, kind="build_consume")
    return before - _value(ctx, part)


def _value(ctx: RequestContext, part: Item) -> int:
    principal = ctx.require_principal()
    return int(fetch(LOCK_VALUE, (principal.workspace_id, principal.is_sandbox, part.id))[0][1])


def _register(ctx: RequestContext, product: Item, serials: list[str]) -> None:
    """The units as the warranty module's serial numbers, of the item's product when it has one."""
    added = add_serial_numbers(ctx, [{"serial_number": serial, "product_id": product.product_id, "customer_tags": ""}
                                     for serial in serials])
    if added["existing"]:
        taken = ", ".join(added["existing"][:20])
        raise SerialNumbersTaken(f"Serial numbers in use: {taken}", field_errors={"serial_numbers": [f"In use: {taken}."]})
