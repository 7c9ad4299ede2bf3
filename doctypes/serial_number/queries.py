"""Which serials of an import exist already: peewee spent more building a 500-value IN list
than the database spent answering it (see traciqo_rpc/statements.py)."""

from __future__ import annotations

from traciqo_rpc.statements import tenant

EXISTING = tenant("SELECT serial FROM serial_number WHERE {scope} AND serial IN ({values})")
