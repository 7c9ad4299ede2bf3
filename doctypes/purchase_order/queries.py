"""The purchase order statements whose guard must be in the statement itself (see
traciqo_rpc/statements.py and doctypes/stock/queries.py).

Every change of an order starts with LOCK_ORDER: it locks the order's row until the change
commits and answers its status as it is then (on PostgreSQL, after waiting for the row, the
status another change committed), so a receipt never races a cancellation, and receipts of one
order queue there. A line's received quantity is raised only by RECEIVE_ON_LINE, which refuses
in the UPDATE itself to go past what was ordered: two receipts of the last units cannot both
take them.
"""

from __future__ import annotations

from traciqo_rpc.statements import tenant

LOCK_ORDER = tenant("UPDATE purchase_order SET updated_at = ? WHERE {scope} AND id = ? RETURNING status")

# Units received on a line, only while they fit in what is still to come; answers the line's
# received quantity after, or nothing when they do not fit.
RECEIVE_ON_LINE = tenant("""
UPDATE purchase_order_line SET received = received + ?
WHERE {scope} AND order_id = ? AND position = ? AND received + ? <= quantity
RETURNING received""")
