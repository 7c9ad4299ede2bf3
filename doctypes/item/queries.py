"""The item look-up every stock move makes, written by hand (traciqo_rpc/statements.py): peewee
took longer to build the query than the database took to run it."""

from __future__ import annotations

from traciqo_rpc.statements import model_row, tenant

from .model import Item

COLUMNS = tuple(Item._meta.sorted_field_names)

# The caller's item by id, else by SKU (stored upper case): the id's match first, as find_item's rule says.
ITEM = tenant(f"SELECT {', '.join(COLUMNS)} FROM item WHERE {{scope}} AND (id = ? OR sku = ?) "
              "ORDER BY id = ? DESC LIMIT 1", row=model_row(Item, COLUMNS))
