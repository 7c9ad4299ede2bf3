"""The dashboard's pages (hooks.page_routes): sign-in, the overview and Settings → API keys.
Each renders from the doctypes' services and posts its forms to their whitelisted methods."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from urllib.parse import urlsplit

from doctypes.api_key import service as keys
from doctypes.auth_code.model import AuthCode
from doctypes.scan.model import Scan
from doctypes.tracker.model import COMPLETED, Tracker
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

PERIODS = (7, 30, 90)


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
    """What happened in this workspace and environment over the last 7, 30 and 90 days."""
    now = ctx.now()
    rows = []
    for days in PERIODS:
        since = now - dt.timedelta(days=days)
        codes = AuthCode.scoped(ctx).where(AuthCode.created_at >= since).count()
        scans = Scan.scoped(ctx).where(Scan.scanned_at >= since).count()
        rows.append(f"<tr><th scope=row>Last {days} days</th><td>{codes:,}</td><td>{scans:,}</td></tr>")
    in_progress = Tracker.scoped(ctx).where(Tracker.status != COMPLETED).count()
    content = (f'<ul class=stats><li><strong>{in_progress:,}</strong>trackers not yet completed</li></ul>'
               '<table><caption>Codes issued and scans</caption><thead><tr><th scope=col>Period</th>'
               f'<th scope=col>Codes issued</th><th scope=col>Scans</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return shell.page(ctx, "Overview", content, shell.csrf_token(ctx), "/app")


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
        '<button type=button class=secondary data-copy=issued-secret>Copy secret</button></p></section>'
    )
    table = ('<table><caption>Keys of this environment</caption><thead><tr><th scope=col>Name</th>'
             '<th scope=col>Key</th><th scope=col>Access</th><th scope=col>Last used</th><th scope=col>Status</th>'
             f'<th scope=col><span class=visually-hidden>Actions</span></th></tr></thead><tbody>{rows}</tbody></table>')
    return shell.page(ctx, "API keys", create + issued + table, shell.csrf_token(ctx), "/app/keys")


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
