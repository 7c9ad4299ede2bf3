"""BOMs: versions of an item's bill of materials, its default, and their explosion.

create_bom makes the item's next version (and by default makes it the default); a version no
build has used may be changed in place, a used one is locked and a change is a new version.
Every BOM is checked before it is saved or made the default: no component contains its item
at any depth, and the tree is at most explosion.MAX_LEVELS deep.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee

from doctypes.item.model import Item
from doctypes.item.quantities import SCALE, shown
from doctypes.item.service import ItemNotFound, find_item
from traciqo_rpc import db, errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import paginate, public_id

from . import explosion
from .explosion import Line, Node, Recipe
from .model import Bom, BomLine

CHUNK = 500  # ids per IN list


class BomNotFound(errors.DoesNotExistError):
    """No BOM of that id in the caller's workspace and environment."""

    def default_message(self) -> str:
        return "BOM not found"


class NoBom(errors.DoesNotExistError):
    """The item has no default BOM: nothing says what it is made of."""


class ComponentRepeated(errors.ValidationError):
    """A BOM names one component on two lines (one line, its quantity summed, says it)."""


class WholeUnitsOnly(errors.ValidationError):
    """A serial-tracked component is needed in whole units (one serial number each)."""


class BomLocked(errors.ValidationError):
    """A build used this version: its lines stay as the build read them; create a new version."""


class BomVersionTaken(errors.DuplicateEntryError):
    """Another version of the item was created at the same moment, again and again."""


def find_bom(ctx: RequestContext, ref: str, field: str = "bom") -> Bom:
    bom = Bom.scoped(ctx).where(Bom.id == ref.strip()).first()
    if bom is None:
        raise BomNotFound(field_errors={field: [f"No BOM {ref[:32]!r} in this workspace."]})
    return bom


def default_bom(ctx: RequestContext, item: Item, field: str = "item") -> Bom:
    """The item's default BOM (404 when it has none)."""
    bom = Bom.scoped(ctx).where(Bom.item_id == item.id, Bom.is_default == True).first()  # noqa: E712
    if bom is None:
        raise NoBom(f"{item.sku} has no BOM", field_errors={field: [f"{item.sku} has no BOM: create one first."]})
    return bom


def create_bom(ctx: RequestContext, item: str, lines: list[dict[str, Any]], note: str = "",
               make_default: bool = True) -> dict[str, Any]:
    """The item's next version; refused (417) when a component contains the item at any depth."""
    parent = find_item(ctx, item)
    checked = _checked_lines(ctx, parent, lines)
    for _attempt in range(3):
        version = (Bom.scoped(ctx, peewee.fn.MAX(Bom.version)).where(Bom.item_id == parent.id).scalar() or 0) + 1
        try:
            with db.database.atomic():  # a savepoint: the unique version decides a race, the loser takes the next
                bom = Bom.create(id=public_id(), item_id=parent.id, version=version, is_default=False, note=note,
                                 created_at=ctx.now(), **Bom.scope_values(ctx))
        except peewee.IntegrityError:
            continue
        _write_lines(ctx, bom, checked)
        if make_default or version == 1:  # an item's first BOM is its default whatever was asked
            _make_default(ctx, bom)
        return bom_dict(ctx, bom)
    raise BomVersionTaken(f"Versions of {parent.sku} are being created at the same time; try again")


def update_bom(ctx: RequestContext, bom: str, lines: list[dict[str, Any]] | None = None,
               note: str | None = None) -> dict[str, Any]:
    """Change a version no build has used (its lines, its note); a used one is locked (417)."""
    found = find_bom(ctx, bom)
    parent = Item.get_by_id(found.item_id)
    checked = _checked_lines(ctx, parent, lines) if lines is not None else None
    changes = {Bom.note: note} if note is not None else {Bom.note: found.note}
    # Only while unlocked, in one statement: a build locking it at the same moment wins or waits.
    if Bom.update(changes).where(Bom.id == found.id, Bom.locked == False).execute() == 0:  # noqa: E712
        raise BomLocked(f"Version {found.version} of {parent.sku} was used by a build: create a new version instead",
                        field_errors={"bom": ["Used by a build; create_bom makes the next version."]})
    if checked is not None:
        BomLine.delete().where(BomLine.bom_id == found.id).execute()  # the id is the caller's (found above)
        _write_lines(ctx, found, checked)
    return bom_dict(ctx, find_bom(ctx, found.id))


def set_default_bom(ctx: RequestContext, bom: str) -> dict[str, Any]:
    """Make this version the one builds and explosions use (checked again: the components' BOMs may have changed)."""
    found = find_bom(ctx, bom)
    explosion.explode(_recipe(ctx, found), SCALE, lambda ids: recipes(ctx, ids), _namer(ctx))
    _make_default(ctx, found)
    return bom_dict(ctx, find_bom(ctx, found.id))


def get_bom(ctx: RequestContext, bom: str) -> dict[str, Any]:
    return bom_dict(ctx, find_bom(ctx, bom))


def list_boms(ctx: RequestContext, limit: int, offset: int, item: str | None = None,
              default_only: bool = False) -> dict[str, Any]:
    """Newest first; one item's versions newest first."""
    query = Bom.scoped(ctx)
    if item is not None:
        query = query.where(Bom.item_id == find_item(ctx, item).id).order_by(Bom.version.desc())
    else:
        query = query.order_by(Bom.id.desc())
    if default_only:
        query = query.where(Bom.is_default == True)  # noqa: E712
    page = paginate(query, limit, offset, lambda bom: bom)
    items = items_by_id(ctx, {bom.item_id for bom in page["data"]})
    page["data"] = [_summary(bom, items[bom.item_id]) for bom in page["data"]]
    return page


def resolve(ctx: RequestContext, item: str | None, bom: str | None) -> Bom:
    """A BOM named by `bom`, or `item`'s default one."""
    return find_bom(ctx, bom) if bom is not None else default_bom(ctx, find_item(ctx, item or ""))


def explode(ctx: RequestContext, bom: Bom, quantity: int) -> list[Node]:
    """Every level's lines for `quantity` (thousandths) of the BOM's item, with the components' default BOMs."""
    return explosion.explode(_recipe(ctx, bom), quantity, lambda ids: recipes(ctx, ids), _namer(ctx))


def explode_bom(ctx: RequestContext, quantity: int, item: str | None = None, bom: str | None = None) -> dict[str, Any]:
    """The tree for `quantity` of the item, and what it needs per level, at the top and at the leaves."""
    found = resolve(ctx, item, bom)
    nodes = explode(ctx, found, quantity)
    items = items_by_id(ctx, {found.item_id, *(node.item_id for node in nodes)})
    index = {node.path: number for number, node in enumerate(nodes)}
    tree = [{"level": node.level, "parent": index.get(node.path[:-1]), **_named(items[node.item_id]),
             "quantity_per_unit": shown(node.quantity_per_unit), "quantity": shown(node.quantity), "note": node.note,
             "bom": node.recipe.bom_id if node.recipe else None,
             "version": node.recipe.version if node.recipe else None} for node in nodes]
    depth = max((node.level for node in nodes), default=0)
    per_level = [{"level": level, "requirements": requirements(
        items, explosion.totals(node for node in nodes if node.level == level))} for level in range(1, depth + 1)]
    return {"bom": found.id, "item": items[found.item_id].sku, "version": found.version, "quantity": shown(quantity),
            "levels": depth, "tree": tree, "per_level": per_level,
            "direct": requirements(items, explosion.direct(nodes)), "leaves": requirements(items, explosion.leaves(nodes))}


def lock(ctx: RequestContext, bom_ids: Iterable[str]) -> None:
    """Mark the BOMs a build read as used: their lines no longer change."""
    ids = sorted(set(bom_ids))  # one order of row locks for every build
    for start in range(0, len(ids), CHUNK):
        Bom.update(locked=True).where(Bom.id.in_(ids[start:start + CHUNK]), Bom.locked == False).execute()  # noqa: E712


def recipes(ctx: RequestContext, item_ids: set[str]) -> dict[str, Recipe]:
    """The default BOMs of those of `item_ids` that have one (two queries per CHUNK items)."""
    ids, found = sorted(item_ids), {}
    for start in range(0, len(ids), CHUNK):
        boms = list(Bom.scoped(ctx).where(Bom.item_id.in_(ids[start:start + CHUNK]), Bom.is_default == True))  # noqa: E712
        lines: dict[str, list[Line]] = {bom.id: [] for bom in boms}
        if not boms:  # leaves: no lines to read
            continue
        for line in (BomLine.scoped(ctx).where(BomLine.bom_id.in_(list(lines)))
                     .order_by(BomLine.bom_id, BomLine.position)):
            lines[line.bom_id].append(Line(line.item_id, line.quantity, line.note))
        found.update({bom.item_id: Recipe(bom.id, bom.item_id, bom.version, tuple(lines[bom.id])) for bom in boms})
    return found


def _with_bom(ctx: RequestContext, item_ids: set[str]) -> set[str]:
    """Which of `item_ids` have a default BOM (sub-assemblies)."""
    query = Bom.scoped(ctx, Bom.item_id).where(Bom.item_id.in_(sorted(item_ids)), Bom.is_default == True)  # noqa: E712
    return {item_id for (item_id,) in query.tuples()}


def requirements(items: dict[str, Item], needs: dict[str, int]) -> list[dict[str, Any]]:
    return [{**_named(items[item_id]), "quantity": shown(quantity)} for item_id, quantity in needs.items()]


def items_by_id(ctx: RequestContext, ids: Iterable[str]) -> dict[str, Item]:
    wanted, found = sorted(set(ids)), {}
    for start in range(0, len(wanted), CHUNK):
        found.update({item.id: item for item in Item.scoped(ctx).where(Item.id.in_(wanted[start:start + CHUNK]))})
    return found


def _recipe(ctx: RequestContext, bom: Bom) -> Recipe:
    lines = BomLine.scoped(ctx).where(BomLine.bom_id == bom.id).order_by(BomLine.position)
    return Recipe(bom.id, bom.item_id, bom.version, tuple(Line(line.item_id, line.quantity, line.note) for line in lines))


def _namer(ctx: RequestContext) -> Any:
    """Item id -> SKU, for refusals (read only when one is raised)."""
    return lambda item_id: items_by_id(ctx, [item_id]).get(item_id, Item(sku=item_id)).sku


def _checked_lines(ctx: RequestContext, parent: Item, lines: Sequence[dict[str, Any]]) -> list[Line]:
    """The lines with their items found (404 naming every unknown one), checked for repeats,
    whole units of serial-tracked components, cycles and depth."""
    refs = [line["item"] for line in lines]
    found = {**{i.id: i for i in Item.scoped(ctx).where(Item.id.in_(refs))},
             **{i.sku: i for i in Item.scoped(ctx).where(Item.sku.in_([ref.upper() for ref in refs]))}}
    missing = [ref for ref in refs if ref not in found and ref.upper() not in found]
    if missing:
        raise ItemNotFound(f"No item {', '.join(missing[:20])}",
                           field_errors={"lines": [f"No item {ref!r} in this workspace." for ref in missing[:20]]})
    checked, seen = [], set()
    for number, line in enumerate(lines, 1):
        component = found.get(line["item"]) or found[line["item"].upper()]
        if component.id in seen:
            raise ComponentRepeated(f"{component.sku} is on two lines", field_errors={
                "lines": [f"Line {number}: {component.sku} is on an earlier line; give its quantity once."]})
        if component.tracking == "serial" and line["quantity"] % SCALE:
            raise WholeUnitsOnly(f"{component.sku} is serial-tracked: whole units only", field_errors={
                "lines": [f"Line {number}: {component.sku} is tracked by serial number, so whole units only."]})
        seen.add(component.id)
        checked.append(Line(component.id, line["quantity"], line["note"]))
    explosion.explode(Recipe(None, parent.id, 0, tuple(checked)), SCALE, lambda ids: recipes(ctx, ids), _namer(ctx))
    return checked


def _write_lines(ctx: RequestContext, bom: Bom, lines: list[Line]) -> None:
    BomLine.insert_many([{"bom_id": bom.id, "position": position, "item_id": line.item_id, "quantity": line.quantity,
                          "note": line.note, **BomLine.scope_values(ctx)}
                         for position, line in enumerate(lines, 1)]).execute()


def _make_default(ctx: RequestContext, bom: Bom) -> None:
    others = Bom.scoped(ctx, Bom.id).where(Bom.item_id == bom.item_id, Bom.id != bom.id, Bom.is_default == True)  # noqa: E712
    Bom.update(is_default=False).where(Bom.id.in_([other.id for other in others])).execute()
    Bom.update(is_default=True).where(Bom.id == bom.id).execute()
    bom.is_default = True


def _named(item: Item) -> dict[str, Any]:
    return {"item": item.sku, "name": item.name, "unit": item.unit}


def _summary(bom: Bom, item: Item) -> dict[str, Any]:
    return {"id": bom.id, "item": item.sku, "item_id": item.id, "item_name": item.name, "version": bom.version,
            "is_default": bom.is_default, "locked": bom.locked, "note": bom.note, "created_at": bom.created_at}


def bom_dict(ctx: RequestContext, bom: Bom) -> dict[str, Any]:
    """The BOM with its lines, each component named and marked when it has a BOM of its own."""
    lines = list(BomLine.scoped(ctx).where(BomLine.bom_id == bom.id).order_by(BomLine.position))
    items = items_by_id(ctx, {bom.item_id, *(line.item_id for line in lines)})
    assemblies = _with_bom(ctx, {line.item_id for line in lines})
    return {**_summary(bom, items[bom.item_id]), "lines": [
        {"position": line.position, **_named(items[line.item_id]), "item_id": line.item_id,
         "quantity": shown(line.quantity), "note": line.note, "has_bom": line.item_id in assemblies}
        for line in lines]}
