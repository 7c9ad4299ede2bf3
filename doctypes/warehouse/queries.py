"""The look-up every stock move makes of where it moves (a bin of a warehouse), written by hand
(traciqo_rpc/statements.py): peewee took longer to build the two queries than to run them."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.statements import model_row, tenant

from .model import Bin, Warehouse

WAREHOUSE_COLUMNS = tuple(Warehouse._meta.sorted_field_names)
BIN_COLUMNS = tuple(Bin._meta.sorted_field_names)
_warehouse, _bin = model_row(Warehouse, WAREHOUSE_COLUMNS), model_row(Bin, BIN_COLUMNS)


def _place(*values: Any) -> tuple[Warehouse, Bin | None]:
    """(the warehouse, its bin or None when it has none of that code)."""
    split = len(WAREHOUSE_COLUMNS)
    return _warehouse(*values[:split]), _bin(*values[split:]) if values[split] is not None else None


# The caller's warehouse by id, else by code (the id's match first, as find_warehouse's rule says),
# with its bin of the code asked for, if it has one (the bins of a scoped warehouse are its scope's).
PLACE = tenant(
    f"SELECT {', '.join('w.' + c for c in WAREHOUSE_COLUMNS)}, {', '.join('b.' + c for c in BIN_COLUMNS)} "
    "FROM warehouse AS w LEFT JOIN warehouse_bin AS b ON b.warehouse_id = w.id AND b.code = ? "
    "WHERE {scope:w} AND (w.id = ? OR w.code = ?) ORDER BY w.id = ? DESC LIMIT 1", row=_place)
