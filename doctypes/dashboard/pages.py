"""The dashboard's pages (hooks.page_routes): sign-in, the overview and Settings → API keys.
Each renders from the doctypes' services and posts its forms to their whitelisted methods."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import urlsplit

import peewee

from doctypes.api_key import service as keys
from doctypes.api_request_log.service import usage_summary
from doctypes.auth_code.model import AuthCode
from doctypes.scan import days as scan_days
from doctypes.tracker.model import COMPLETED, Tracker
from doctypes.warranty.model import Warranty
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import charts, shell

PERIODS = (7, 30, 90)
USAGE_DAYS = 30


def login_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    """Email and password; after signing in, back to the page that asked (same site only)."""
    after = _same_site(query.get("next")) or "/app"
    form = (f'<form method=post action="/api/method/login" data-method data-next="{html.escape(after)}" id=login>'
            f'{shell.alert()}{shell.field("login", "usr", "Email", "email", autocomplete="username")}'
            f'{shell.field("login", "pwd", "Password", "password", autocomplete="current-password")}'
            f'{shell.field("login", "otp", "Authenticator code (only if you turned it on)", required=False, autocomplete="one-time-code")}'
            '<p><button type=submit>Sign in</button></p></form><p><a href="/reset">Forgot your password?</a></p>')
    return shell.document("Sign in · traciqo", f'<main id=main class=card><h1>Sign in</h1>{form}</main>')


@signed_in("read")
def overview(ctx: RequestContext, params: dict[str, str], query: dict[str, str], headers: dict[str, str]) -> HtmlResult:
    """What happened in this workspace and environment over the last 7, 30 or 90 days, day by day."""
    days = _period(query)
    first = ctx.now().date() - dt.timedelta(days=days - 1)
    codes = _daily(ctx, AuthCode, AuthCode.created_at, first, days)
    activations = _daily(ctx, Warranty, Warranty.created_at, first, days)
    scans = scan_days.per_day(ctx, days)
    suspicious = scan_days.per_day(ctx, days, verdict="suspicious")
    in_progress = Tracker.scoped(ctx).where(Tracker.status != COMPLETED).count()
    figures = (("codes issued", codes), ("scans", scans), ("suspicious scans", suspicious),
               ("warranties activated", activations))
    stats = "".join(f"<li><strong>{sum(n for _, n in series):,}</strong>{label}</li>" for label, series in figures)
    choose = "".join(f'<a href="/app?days={n}"{" aria-current=page" if n == days else ""}>{n} days</a> '
                     for n in PERIODS)
    content = (f'<nav aria-label=Period class=filters>{choose}</nav>'
               f'<ul class=stats>{stats}<li><strong>{in_progress:,}</strong>trackers not yet completed</li></ul>'
               + "".join(charts.bars(f"{label.capitalize()} per day, last {days} days", series)
                         for label, series in figures))
    return shell.page(ctx, "Overview", content, shell.csrf_token(ctx), "/app")


def _period(query: dict[str, str]) -> int:
    chosen = query.get("days") or "30"
    if chosen not in {str(n) for n in PERIODS}:
        raise shell.BadListQuery(f"days must be one of {', '.join(map(str, PERIODS))}")
    return int(chosen)


def _daily(ctx: RequestContext, model: Any, column: Any, first: dt.date, days: int) -> list[tuple[str, int]]:
    """(ISO date, rows of `model` whose `column` falls on it) for `days` days from `first`."""
    day = peewee.fn.DATE(column).coerce(False)  # text on SQLite, a date on PostgreSQL
    since = dt.datetime.combine(first, dt.time())
    counted = {str(d)[:10]: n for d, n in model.scoped(ctx, day, peewee.fn.COUNT(model.id))
               .where(column >= since).group_by(day).tuples()}
    return [(d.isoformat(), counted.get(d.isoformat(), 0)) for d in (first + dt.timedelta(days=n) for n in range(days))]


@signed_in("keys")
def api_keys(ctx: RequestContext, params: dict[str, str], query: dict[str, str], headers: dict[str, str]) -> HtmlResult:
    """The environment's keys: create one (its secret shown once), rotate, revoke."""
    rows = "".join(_key_row(key) for key in keys.list_keys(ctx))
    principal = ctx.require_principal()
    access = [("[\"read\"]", "Read only")]
    if "write" in principal.scopes:
        access.insert(0, ("[\"read\",\"write\"]", "Read and write"))
    create = (
        '<section class=card aria-labelledby=new-key><h2 id=new-key>New key</h2>'
        '<form method=post action="/api/method/doctypes.api_key.api.create_api_key" data-method data-reveal=issued>'
        f'{shell.alert()}{shell.field("create", "name", "Name")}{shell.select("create", "scopes", "Access", access)}'
        '<p><button type=submit>Create key</button></p></form></section>'
    )
    issued = (
        '<section id=issued class=secret hidden aria-live=polite><h2 tabindex=-1>Copy the secret now</h2>'
        '<p>It is shown this once; only its hash is kept.</p>'
        '<p>Key <code data-value=api_key id=issued-key></code></p>'
        '<p>Secret <code data-value=api_secret id=issued-secret></code> '
        '<button type=button class=secondary data-copy=issued-secret>Copy secret</button></p>'
        '<p>Racko clients: RACKO-SECRET is this, base64-decoded: <code data-value=racko_secret id=issued-racko>'
        '</code> <button type=button class=secondary data-copy=issued-racko>Copy for Racko</button></p></section>'
    )
    table = ('<table><caption>Keys of this environment</caption><thead><tr><th scope=col>Name</th>'
             '<th scope=col>Key</th><th scope=col>Access</th><th scope=col>Last used</th><th scope=col>Status</th>'
             f'<th scope=col><span class=visually-hidden>Actions</span></th></tr></thead><tbody>{rows}</tbody></table>')
    return shell.page(ctx, "API keys", create + issued + table + _usage(ctx), shell.csrf_token(ctx), "/app/keys")


def _usage(ctx: RequestContext) -> str:
    """This environment's calls over the last 30 days: per day, and by method and by status."""
    usage = usage_summary(ctx, USAGE_DAYS, limit=0)
    per_day = {row["date"]: row["count"] for row in usage["per_day"]}
    first = ctx.now().date() - dt.timedelta(days=USAGE_DAYS - 1)
    series = [(day, per_day.get(day, 0)) for day in ((first + dt.timedelta(days=n)).isoformat() for n in range(USAGE_DAYS))]

    def table(caption: str, heading: str, rows: list[tuple[str, int]]) -> str:
        body = "".join(f"<tr><td>{html.escape(name)}</td><td>{count:,}</td></tr>" for name, count in rows)
        return (f'<table><caption>{caption}</caption><thead><tr><th scope=col>{heading}</th><th scope=col>Calls</th>'
                f'</tr></thead><tbody>{body or "<tr><td colspan=2>No calls yet.</td></tr>"}</tbody></table>')

    return (f'<section aria-labelledby=usage><h2 id=usage>Usage, last {USAGE_DAYS} days</h2>'
            f'<ul class=stats><li><strong>{usage["today"]:,}</strong>calls today</li>'
            f'<li><strong>{usage["last_7_days"]:,}</strong>in 7 days</li><li><strong>{usage["last_30_days"]:,}</strong>in 30 days</li></ul>'
            f'{charts.bars(f"Calls per day, last {USAGE_DAYS} days", series)}'
            f'{table("Calls by method", "Method", [(r["method"], r["count"]) for r in usage["per_method"][:20]])}'
            f'{table("Calls by status", "Status", [(str(r["status"]), r["count"]) for r in usage["per_status"]])}</section>')


def _key_row(key: dict[str, Any]) -> str:
    name, api_key = html.escape(key["name"]), html.escape(key["api_key"])
    used = shell.when(key["last_used_at"]) or "never"
    if key["revoked_at"]:
        status, actions = f"revoked {shell.when(key['revoked_at'])}", ""
    else:
        status = "active"
        actions = (f'<form method=post action="/api/method/doctypes.api_key.api.rotate_api_key" data-method '
                   f'data-reveal=issued data-confirm="Issue a new secret for {name}? The old one stops working at once.">'
                   f'<input type=hidden name=api_key value="{api_key}">'
                   f'<button type=submit class=secondary aria-label="Rotate {name}">Rotate</button></form>')
        if not key["default"]:
            actions += (f'<form method=post action="/api/method/doctypes.api_key.api.revoke_api_key" data-method '
                        f'data-confirm="Revoke {name} for good?"><input type=hidden name=api_key value="{api_key}">'
                        f'<button type=submit class=secondary aria-label="Revoke {name}">Revoke</button></form>')
    return (f"<tr><td>{name}</td><td><code>{api_key}</code></td><td>{', '.join(key['scopes'])}</td>"
            f"<td>{used}</td><td>{status}</td><td>{actions}</td></tr>")


def _same_site(target: str | None) -> str | None:
    """A path on this site to return to after signing in; anything else (another host) is ignored."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc or "\\" in target else target
