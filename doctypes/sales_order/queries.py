"""The sales order's guarded statements (see traciqo_rpc/statements.py): the condition that makes a
change allowed is in the statement that makes it, so two calls at once cannot both pass it.

Order of locks: the order's row first (a shipment, a confirmation, a cancellation), then its
lines, then the stock the shipment moves (doctypes/stock/queries.py)."""

from __future__ import annotations

from traciqo_rpc.statements import tenant

# Locks an order that may be shipped until the shipment commits: shipments of one order queue
# here, and a cancellation waiting behind one sees what it shipped (no row: not shippable).
LOCK_SHIPPABLE = tenant("""
UPDATE sales_order SET updated_at = ? WHERE {scope} AND id = ? AND status IN ('confirmed', 'partially_shipped')
RETURNING id""")
CONFIRM = tenant("""
UPDATE sales_order SET status = 'confirmed', confirmed_at = ?, updated_at = ?
WHERE {scope} AND id = ? AND status = 'draft' RETURNING id""")
CANCEL = tenant("""
UPDATE sales_order SET status = 'cancelled', cancelled_at = ?, updated_at = ?
WHERE {scope} AND id = ? AND status IN ('draft', 'confirmed') RETURNING id""")
CLOSE = tenant("""
UPDATE sales_order SET status = 'closed', closed_at = ?, updated_at = ?, reason = ?
WHERE {scope} AND id = ? AND status = 'partially_shipped' RETURNING id""")
# Units shipped of a line, only while that leaves it at most what was ordered; answers the line's
# shipped quantity after, or nothing (over-shipment).
SHIP_LINE = tenant("""
UPDATE sales_order_line SET shipped = shipped + ? WHERE {scope} AND id = ? AND shipped + ? <= quantity
RETURNING shipped""")
