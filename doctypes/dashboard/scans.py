"""Scans: every verification, newest first, searchable by code and verdict; scans per day over
the last 30 days, the countries they came from, and the suspicious ones marked."""

from __future__ import annotations

import html
from typing import Any

from doctypes.scan import days
from doctypes.scan.listing import list_scans
from doctypes.scan.schema import VERDICTS
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import charts, shell

PAGE_SIZE = 50
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("When", "Code", "Verdict", "Reasons", "Country", "Source", "IP", "User agent", "Latitude", "Longitude")
DAYS = 30
WORDS = {"genuine": "Genuine", "already_verified": "Verified before", "suspicious": "Suspicious: likely a cloned label",
         "withdrawn": "Withdrawn code"}


@signed_in("read")
def scans_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    code, verdict = (query.get("code") or "").strip()[:64] or None, query.get("verdict") or None
    if verdict is not None and verdict not in VERDICTS:
        raise shell.BadListQuery(f"Unknown verdict {verdict!r}")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = list_scans(ctx, shell.CSV_ROWS, offset, code=code, verdict=verdict, order=sort)
        return shell.csv_result("scans", HEADINGS, ([s["scanned_at"], s["code"], s["verdict"], "; ".join(s["reasons"]),
                                                     s["country"], s["source"], s["ip"], s["user_agent"], s["lat"],
                                                     s["lon"]] for s in page["data"]))
    page = list_scans(ctx, PAGE_SIZE, offset, code=code, verdict=verdict, order=sort)
    content = render(page, days.per_day(ctx, DAYS), days.countries(ctx, DAYS), code, verdict, sort, offset)
    return shell.page(ctx, "Scans", content, shell.csrf_token(ctx), "/app/scans")


def render(page: dict[str, Any], per_day: list[tuple[str, int]], countries: list[tuple[str, int]], code: str | None,
           verdict: str | None, sort: str, offset: int) -> str:
    """The page's content from what it read (bench/floor_app.py renders the same from the same)."""
    rows = "".join(_row(scan) for scan in page["data"]) or "<tr><td colspan=5>No scans match.</td></tr>"
    choices = shell.options([("", "Any verdict"), *WORDS.items()], verdict or "")
    search = ('<form method=get class=filters role=search><label for=code>Code</label>'
              f'<input id=code name=code value="{html.escape(code or "")}">'
              f'<label for=verdict>Verdict</label><select id=verdict name=verdict>{choices}</select>'
              f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Scans: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>When</th><th scope=col>Code</th>'
             '<th scope=col>Verdict</th><th scope=col>Country</th><th scope=col>Source</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>{shell.pager("/app/scans", page, offset, PAGE_SIZE, "scans", code=code, verdict=verdict, sort=sort)}'
             f'{shell.csv_link("/app/scans", code=code, verdict=verdict, sort=sort, offset=offset)}')
    return charts.bars(f"Scans per day, last {DAYS} days", per_day) + _countries(countries) + search + table


def _countries(top: list[tuple[str, int]]) -> str:
    if not top:
        return f"<p>No scan with a known country in the last {DAYS} days.</p>"
    items = "".join(f"<li>{html.escape(country)}: {count:,}</li>" for country, count in top)
    return f'<section aria-labelledby=countries><h2 id=countries>Countries, last {DAYS} days</h2><ul>{items}</ul></section>'


def _row(scan: dict[str, Any]) -> str:
    verdict = scan["verdict"]
    mark = ' class=flagged' if verdict == "suspicious" else ""
    icon = "⚠ " if verdict == "suspicious" else ""
    why = "".join(f"<br><small>{html.escape(reason)}</small>" for reason in scan["reasons"])
    return (f"<tr{mark}><td>{shell.when(scan['scanned_at'])}</td><td><code>{html.escape(scan['code'])}</code></td>"
            f"<td>{icon}{html.escape(WORDS.get(verdict, verdict))}{why}</td><td>{html.escape(scan['country'] or '')}</td>"
            f"<td>{html.escape(scan['source'])}</td></tr>")
