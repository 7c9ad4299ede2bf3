"""PostgreSQL prepared statements for the hand-written SQL of db.execute.

PostgreSQL parses and plans every statement it is sent. For the hot statements that costs
more than running them: planning an activation batch's unit look-up (a join, an EXISTS and an
IN list) took 0.3-0.6 ms on a warm connection against 0.1-0.2 ms to run it. Prepared once per
connection (PREPARE), each later call is an EXECUTE: parsed trivially, and planned once for all
after five runs when a generic plan costs no more (PostgreSQL's plan cache).

Statements with more than MAX_PARAMETERS parameters (bulk look-ups and writes of hundreds of
rows, e.g. add_serial_numbers' 500-serial `IN` lists) are sent as they are: their planning is
small next to their execution, and a generic plan cached while the table was small does not
follow its growth until the next ANALYZE (importing serials into a fresh database went from
0.4 s to 12.7 s a batch of 10,000 by the fourth batch when that look-up was prepared).

A statement PostgreSQL cannot prepare (a parameter whose type it cannot infer, e.g. a bare
`? IS NULL`) is remembered and sent as before; the attempt runs in a savepoint, so an open
transaction survives it. Hand-written statements name their columns, so a migration that adds
one never changes a prepared statement's result.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_enabled = True
_UNPREPARABLE = ""
_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES")
MAX_PARAMETERS = 256  # a batch of 64 calls' IN lists stays under it
_names: dict[str, str] = {}  # SQL with `?` placeholders -> statement name, or _UNPREPARABLE
_naming = threading.Lock()
# What each connection has prepared; a connection is used by one thread at a time (the pool).
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


def use(enabled: bool) -> None:
    """Prepare statements or not (Settings.database_prepared_statements; the process has one database)."""
    global _enabled
    _enabled = enabled


def execute(cursor: Any, sql: str, params: tuple[Any, ...]) -> None:
    """Run `sql` (`?` placeholders) on a psycopg2 cursor, prepared on its connection if it can be."""
    name = _prepare(cursor, sql) if _enabled else None
    if name is None:
        cursor.execute(sql.replace("?", "%s"), params)
    elif params:
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
    else:
        cursor.execute(f"EXECUTE {name}")


def _prepare(cursor: Any, sql: str) -> str | None:
    import psycopg2
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE

    name = _names.get(sql)
    if name is None:
        # PREPARE takes only these kinds (a SAVEPOINT, say, is sent as it is); bulk ones stay unprepared.
        with _naming:
            preparable = sql.lstrip()[:6].upper().startswith(_PREPARABLE) and sql.count("?") <= MAX_PARAMETERS
            name = _names.setdefault(sql, f"traciqo_{len(_names)}" if preparable else _UNPREPARABLE)
    if name == _UNPREPARABLE:
        return None
    connection = cursor.connection
    done = _prepared_on.setdefault(connection, set())
    if name in done:
        return name
    in_transaction = connection.info.transaction_status != TRANSACTION_STATUS_IDLE
    try:
        if in_transaction:
            cursor.execute("SAVEPOINT traciqo_prepare")
        cursor.execute(f"PREPARE {name} AS {numbered(sql)}")
    except psycopg2.Error:
        if in_transaction:
            cursor.execute("ROLLBACK TO SAVEPOINT traciqo_prepare")
        _names[sql] = _UNPREPARABLE
        return None
    if in_transaction:
        cursor.execute("RELEASE SAVEPOINT traciqo_prepare")
    done.add(name)
    return name


def numbered(sql: str) -> str:
    """`?` placeholders as PREPARE's $1, $2, ... (hand-written SQL has no `?` in its literals)."""
    head, *rest = sql.split("?")
    return head + "".join(f"${number}{part}" for number, part in enumerate(rest, 1))
