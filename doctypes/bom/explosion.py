"""Exploding a BOM: every level of what a quantity of its item needs. Pure rules, no I/O: the
default BOMs of the components come from a `recipes` function the service passes in.

A component that has a default BOM of its own is a sub-assembly: its lines make the next
level. The walk goes level by level, so the service reads each level's BOMs in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from doctypes.item.quantities import MAX_UNITS, SCALE, shown
from traciqo_rpc import errors

MAX_LEVELS = 20  # deeper than any real product (a car is ~10); past it, a mistake or a cycle
MAX_NODES = 5000  # lines of an exploded tree: the answer and a build's plan stay a readable size
MAX_QUANTITY = MAX_UNITS * SCALE - 1  # thousandths: what a stock level can hold


class BomCycle(errors.ValidationError):
    """A component contains, at some depth, the item it is a component of."""


class BomTooDeep(errors.ValidationError):
    """The BOM has more than MAX_LEVELS levels."""


class BomTooLarge(errors.LimitExceeded):
    """The exploded BOM has more than MAX_NODES lines."""


class RequirementTooLarge(errors.ValidationError):
    """A quantity times the BOM's quantities passes what a stock level can hold."""


@dataclass(frozen=True)
class Line:
    item_id: str
    quantity: int  # thousandths per unit of the BOM's item
    note: str = ""


@dataclass(frozen=True)
class Recipe:
    """One BOM as the walk reads it."""

    bom_id: str | None  # None: a BOM not saved yet (being checked before it is)
    item_id: str
    version: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Node:
    """One line of the exploded tree: `quantity` of `item_id` for its parent's quantity."""

    path: tuple[int, ...]  # positions from the top: (2, 1) is the first line of line 2's BOM
    item_id: str
    quantity_per_unit: int
    quantity: int
    note: str
    recipe: Recipe | None = None  # the component's default BOM, when it is a sub-assembly

    @property
    def level(self) -> int:
        return len(self.path)


Recipes = Callable[[set[str]], dict[str, Recipe]]  # item ids -> the default BOMs of those that have one


def needed(quantity: int, per_unit: int) -> int:
    """Thousandths needed for `quantity` thousandths of the parent, rounded up: a build never
    takes less than its BOM says."""
    return -(-quantity * per_unit // SCALE)


def explode(root: Recipe, quantity: int, recipes: Recipes, names: Callable[[str], str] = str) -> list[Node]:
    """Every line of every level for `quantity` (thousandths) of the root's item, depth first;
    refuses a cycle, more than MAX_LEVELS levels or MAX_NODES lines, and quantities past a level's."""
    ancestors: dict[tuple[int, ...], tuple[str, ...]] = {(): (root.item_id,)}  # a path -> the items on it
    level = [_node((), position, line, quantity, names) for position, line in enumerate(root.lines, 1)]
    nodes: list[Node] = []
    while level:
        for node in level:
            trail = ancestors[node.path[:-1]]
            if node.item_id in trail:
                cycle = " > ".join(names(item) for item in (*trail[trail.index(node.item_id):], node.item_id))
                raise BomCycle(f"A component contains itself: {cycle}",
                               field_errors={"lines": [f"Cycle: {cycle}."]})
            ancestors[node.path] = (*trail, node.item_id)
        found = recipes({node.item_id for node in level})
        level = [Node(node.path, node.item_id, node.quantity_per_unit, node.quantity, node.note, found.get(node.item_id))
                 for node in level]
        nodes.extend(level)
        if len(nodes) > MAX_NODES:
            raise BomTooLarge(f"The exploded BOM has more than {MAX_NODES:,} lines",
                              field_errors={"lines": [f"More than {MAX_NODES:,} lines once exploded."]})
        deeper = [_node(node.path, position, line, node.quantity, names)
                  for node in level if node.recipe for position, line in enumerate(node.recipe.lines, 1)]
        if deeper and deeper[0].level > MAX_LEVELS:
            raise BomTooDeep(f"The BOM has more than {MAX_LEVELS} levels",
                             field_errors={"lines": [f"At most {MAX_LEVELS} levels of sub-assemblies."]})
        level = deeper
    return sorted(nodes, key=lambda node: node.path)


def _node(parent: tuple[int, ...], position: int, line: Line, parent_quantity: int,
          names: Callable[[str], str]) -> Node:
    quantity = needed(parent_quantity, line.quantity)
    if quantity > MAX_QUANTITY:
        raise RequirementTooLarge(f"{names(line.item_id)}: {shown(quantity):,} needed, more than a stock level holds",
                                  field_errors={"quantity": ["Too large for the BOM's quantities."]})
    return Node((*parent, position), line.item_id, line.quantity, quantity, line.note)


def totals(nodes: Iterable[Node]) -> dict[str, int]:
    """Thousandths needed per item, in the order the items first appear."""
    summed: dict[str, int] = {}
    for node in nodes:
        summed[node.item_id] = summed.get(node.item_id, 0) + node.quantity
        if summed[node.item_id] > MAX_QUANTITY:
            raise RequirementTooLarge("More of a component is needed than a stock level holds",
                                      field_errors={"quantity": ["Too large for the BOM's quantities."]})
    return summed


def direct(nodes: list[Node]) -> dict[str, int]:
    """What the top level consumes: sub-assemblies as they are (built before, from stock)."""
    return totals(node for node in nodes if node.level == 1)


def leaves(nodes: list[Node]) -> dict[str, int]:
    """What every level consumes when sub-assemblies are built on the way (ERPNext's "use
    multi-level BOM"): the components that have no BOM of their own."""
    return totals(node for node in nodes if node.recipe is None)
