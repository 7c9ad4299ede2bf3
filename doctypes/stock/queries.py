"""The stock moves' statements (see traciqo_rpc/statements.py): every move writes ledger entries
and changes levels, and a level must never be taken below zero by two moves at once, so the
guard is in the statement that changes it.

The order of locks, the same for every move: the item's value row first (one per item: moves
of one item queue there), then levels and serials. On PostgreSQL the guarded UPDATE re-reads
the row it waited for, so of 50 moves taking the last 10 units exactly 10 find them.
"""

from __future__ import annotations

from traciqo_rpc.statements import insert, tenant

# The item's value row, made when missing and locked until the move commits; answers
# (quantity, value) as they were before this move.
LOCK_VALUE = insert("""
INSERT INTO item_value (workspace_id, is_sandbox, item_id, quantity, value) VALUES (?, ?, ?, 0, 0)
ON CONFLICT (workspace_id, is_sandbox, item_id) DO UPDATE SET quantity = item_value.quantity
RETURNING quantity, value""")
SET_VALUE = tenant("UPDATE item_value SET quantity = quantity + ?, value = value + ? WHERE {scope} AND item_id = ?")

# Units into a bin (and batch); answers the level after.
ADD_TO_LEVEL = insert("""
INSERT INTO stock_level (workspace_id, is_sandbox, item_id, warehouse_id, bin_id, batch, quantity, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (workspace_id, is_sandbox, item_id, bin_id, batch)
DO UPDATE SET quantity = stock_level.quantity + excluded.quantity, updated_at = excluded.updated_at
RETURNING quantity""")
# Units out of a bin, only while it holds them (or the item may go below zero); answers the
# level after, or nothing when the bin holds too few.
TAKE_FROM_LEVEL = tenant("""
UPDATE stock_level SET quantity = quantity - ?, updated_at = ?
WHERE {scope} AND item_id = ? AND bin_id = ? AND batch = ? AND (quantity >= ? OR ?)
RETURNING quantity""")
LEVEL = tenant("SELECT quantity FROM stock_level WHERE {scope} AND item_id = ? AND bin_id = ? AND batch = ?")

# Serial-tracked units. A receipt puts each serial in its bin, unless it is already in stock
# (answered: the serials it placed). Taking answers the serials that were in the bin. Only the
# serial differs from row to row, so it alone is listed: PostgreSQL parses a thousand rows of
# one value in a fraction of a thousand of eight. (WHERE true: SQLite would read ON as a join's.)
PLACE_SERIALS = insert("""
INSERT INTO stock_serial (workspace_id, is_sandbox, item_id, serial, warehouse_id, bin_id, status, updated_at)
SELECT ?, ?, ?, column1, ?, ?, ?, ? FROM (VALUES {rows}) AS listed WHERE true
ON CONFLICT (workspace_id, is_sandbox, item_id, serial)
DO UPDATE SET warehouse_id = excluded.warehouse_id, bin_id = excluded.bin_id, status = excluded.status,
              updated_at = excluded.updated_at
WHERE stock_serial.status != 'in_stock'
RETURNING serial""")
MOVE_SERIALS = tenant("""
UPDATE stock_serial SET warehouse_id = ?, bin_id = ?, status = ?, updated_at = ?
WHERE {scope} AND item_id = ? AND bin_id = ? AND status = 'in_stock' AND serial IN ({values})
RETURNING serial""")

RECORD_ENTRIES = insert("""
INSERT INTO stock_entry (workspace_id, is_sandbox, move_id, kind, item_id, warehouse_id, bin_id, batch, serial,
                         quantity, level_after, value_change, reason, reference, created_by, created_at)
VALUES {values}""", width=16)
