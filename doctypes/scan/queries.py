"""The scan hot path's statements (see traciqo_rpc/statements.py for why they are hand-written).

One statement counts a whole round of scans (a batch names each code once per round) and
brings back what the answers show (batch, owner and product through subqueries; on PostgreSQL
a look-up before the update cost a round trip per scan); one more records their scan rows. A
code that is unknown, or whose product lacks the GTIN the GS1 route named, changes nothing.
In RETURNING, SQLite (3.40) forgets the column's text affinity and scanned the whole product
table for each look-up; the CAST gives it back, and the index. The GTIN's CAST gives its
parameter a type, so PostgreSQL can prepare the statement.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from traciqo_rpc.statements import Statement, insert, tenant, unscoped


class CountedCode(NamedTuple):
    """A scanned code after its count went up, with what the answer shows about it."""

    code: str
    id: int
    workspace_id: int
    is_sandbox: bool
    status: str
    product_id: str | None
    scan_count: int
    first_scanned_at: Any
    batch_name: str
    workspace_name: str
    product_name: str | None
    product_brand: str | None
    product_sku_number: int | None
    product_gtin: str | None


class ScanToLocate(NamedTuple):
    scanned_at: Any
    located: bool
    country: str | None
    verdict: str
    code_id: int
    scan_count: int
    workspace_id: int
    is_sandbox: bool


COUNT_SCANS = unscoped("""
UPDATE auth_code SET scan_count = scan_count + 1, last_scanned_at = ?,
       first_scanned_at = COALESCE(first_scanned_at, ?)
WHERE (CAST(? AS TEXT) IS NULL OR (SELECT gtin FROM product WHERE product.id = auth_code.product_id) = ?)
      AND code IN ({values})
RETURNING code, id, workspace_id, is_sandbox, status, product_id, scan_count, first_scanned_at,
       (SELECT name FROM code_batch WHERE code_batch.id = auth_code.batch_id),
       (SELECT name FROM workspace WHERE workspace.id = auth_code.workspace_id),
       (SELECT name FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT brand FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT sku_number FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT gtin FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT))""",
    why="a consumer's scan: the code (unguessable) is the key, and its row names its workspace", row=CountedCode)

INSERT_SCANS = insert("""
INSERT INTO scan (workspace_id, is_sandbox, code_id, scanned_at, ip, user_agent, lat, lon, country, source, verdict,
                  reasons)
VALUES {values} RETURNING code_id, id""", width=12)

# The page's location, once per scan (hand-written like the rest: peewee took most of the call).
SCAN_TO_LOCATE = unscoped("""
SELECT scan.scanned_at, scan.lat IS NOT NULL, scan.country, scan.verdict, scan.code_id, auth_code.scan_count,
       scan.workspace_id, scan.is_sandbox
FROM scan JOIN auth_code ON auth_code.id = scan.code_id WHERE scan.id = ?""",
    why="the scan a signed, ten-minute token names", row=ScanToLocate)
LOCATE_SCAN = unscoped("UPDATE scan SET lat = ?, lon = ?, verdict = ?, reasons = ? WHERE id = ? AND lat IS NULL",
                       why="the scan a signed token names")
EARLIER_PLACES = unscoped("""
SELECT scanned_at, lat, lon, country FROM scan WHERE code_id = ? AND scanned_at >= ? AND id != ?
ORDER BY scanned_at DESC LIMIT 50""", why="the scans of a code this scan has just counted (by its id)")

# The days' counts by verdict (ScanDay) and by country (ScanCountryDay): rows in key order, so
# two batches that touch the same days take their row locks in the same order. A located scan
# whose verdict changes moves one count from the old verdict to the new (scans -1 and +1).
COUNT_SCAN_DAYS = insert("""
INSERT INTO scan_day (workspace_id, is_sandbox, day, verdict, scans) VALUES {values}
ON CONFLICT (workspace_id, is_sandbox, day, verdict) DO UPDATE SET scans = scan_day.scans + excluded.scans""",
    width=5)
COUNT_SCAN_COUNTRY_DAYS = insert("""
INSERT INTO scan_country_day (workspace_id, is_sandbox, day, country, scans) VALUES {values}
ON CONFLICT (workspace_id, is_sandbox, day, country) DO UPDATE SET scans = scan_country_day.scans + excluded.scans""",
    width=5)
# The migrations that create them count every workspace's scans into them, each under its own.
FILL_SCAN_DAYS = insert("""
INSERT INTO scan_day (workspace_id, is_sandbox, day, verdict, scans)
SELECT workspace_id, is_sandbox, DATE(scanned_at), verdict, COUNT(*)
FROM scan GROUP BY workspace_id, is_sandbox, DATE(scanned_at), verdict""")
FILL_SCAN_COUNTRY_DAYS = insert("""
INSERT INTO scan_country_day (workspace_id, is_sandbox, day, country, scans)
SELECT workspace_id, is_sandbox, DATE(scanned_at), country, COUNT(*)
FROM scan WHERE country IS NOT NULL GROUP BY workspace_id, is_sandbox, DATE(scanned_at), country""")


class ListedScan(NamedTuple):
    id: int
    code: str
    scanned_at: Any
    verdict: str
    source: str
    ip: str | None
    user_agent: str | None
    lat: float | None
    lon: float | None
    country: str | None
    reasons: str | None


def _listing(code: bool, verdict: bool, descending: bool) -> Statement:
    """A page of scans in id order, of one code and/or one verdict: an index gives each."""
    where = (" AND a.code = ?" if code else "") + (" AND s.verdict = ?" if verdict else "")
    return tenant(f"""
SELECT s.id, a.code, s.scanned_at, s.verdict, s.source, s.ip, s.user_agent, s.lat, s.lon, s.country, s.reasons
FROM scan AS s JOIN auth_code AS a ON a.id = s.code_id
WHERE {{scope:s}}{where} ORDER BY s.id {"DESC" if descending else "ASC"} LIMIT ? OFFSET ?""", row=ListedScan)


# The owners' list (list_scans, the dashboard), by (code given, verdict given, newest first).
LIST_SCANS = {(code, verdict, descending): _listing(code, verdict, descending)
              for code in (False, True) for verdict in (False, True) for descending in (False, True)}
# A code's scans are counted (they are few); any other total comes from scan_day.
COUNT_CODE_SCANS = {verdict: tenant("SELECT COUNT(*) FROM scan AS s JOIN auth_code AS a ON a.id = s.code_id "
                                    "WHERE {scope:s} AND a.code = ?" + (" AND s.verdict = ?" if verdict else ""))
                    for verdict in (False, True)}

# The daily counts (days.py), with and without one verdict.
SCANS_PER_DAY = {verdict: tenant("SELECT day, SUM(scans) FROM scan_day WHERE {scope} AND day >= ?"
                                 + (" AND verdict = ?" if verdict else "") + " GROUP BY day")
                 for verdict in (False, True)}
SCANS_TOTAL = {verdict: tenant("SELECT COALESCE(SUM(scans), 0) FROM scan_day WHERE {scope}"
                               + (" AND verdict = ?" if verdict else ""))
               for verdict in (False, True)}
SCANS_BY_COUNTRY = tenant("""
SELECT country, SUM(scans) FROM scan_country_day WHERE {scope} AND day >= ?
GROUP BY country ORDER BY SUM(scans) DESC, country LIMIT ?""")
