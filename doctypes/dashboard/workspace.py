"""Settings → Workspace: the plan, its limits and what is used, and the public pages' branding."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from doctypes.branding import service as brandings
from doctypes.branding.service import LOGO_TYPES
from doctypes.plan.model import Plan
from doctypes.tracker.model import COMPLETED, Tracker
from doctypes.workspace.model import Workspace
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell


@signed_in("read", any_workspace_state=True)
def workspace_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                   headers: dict[str, str]) -> HtmlResult:
    principal = ctx.require_principal()
    workspace = Workspace.get_by_id(principal.workspace_id)
    plan = Plan.get_by_id(workspace.plan)
    trackers = (Tracker.select().where(Tracker.workspace_id == workspace.id, ~Tracker.is_sandbox,
                                       Tracker.status != COMPLETED).count())
    state = "active" if principal.workspace_active else "frozen: keys and changes are refused until it is unfrozen"
    limits = (
        f'<dl class=card><dt>Plan</dt><dd>{html.escape(plan.title)} ({html.escape(plan.name)})</dd>'
        f'<dt>State</dt><dd>{html.escape(state)}</dd>'
        f'<dt>API access</dt><dd>{"yes" if plan.api_access else "no"}</dd>'
        f'<dt>Live codes issued</dt><dd>{_of(workspace.live_codes_issued, plan.code_limit)}</dd>'
        f'<dt>Live trackers not yet completed</dt><dd>{_of(trackers, plan.tracker_limit)}</dd>'
        f'<dt>Requests per minute, per key</dt><dd>{plan.rate_limit_per_minute:,}</dd></dl>'
        '<p>Sandbox data never counts against the plan.</p>'
    )
    content = limits + _branding_form(ctx)
    return shell.page(ctx, "Workspace", content, shell.csrf_token(ctx), "/app/workspace")


def _of(used: int, limit: int | None) -> str:
    return f"{used:,} of {limit:,}" if limit is not None else f"{used:,} (no limit)"


def _branding_form(ctx: RequestContext) -> str:
    """The public tracking pages' look, for this environment (writers only)."""
    branding: dict[str, Any] = brandings.get_branding(ctx)
    if "write" not in ctx.require_principal().rights:
        return ""
    return ('<section class=card aria-labelledby=branding><h2 id=branding>Branding of the tracking pages</h2>'
            '<form method=post action="/api/method/doctypes.branding.api.update_branding" data-method>'
            f'{shell.alert()}'
            f'{shell.field("brand", "display_name", "Display name", required=False, value=branding["display_name"] or "")}'
            f'{shell.field("brand", "accent_color", "Accent colour (#rrggbb)", required=False, value=branding["accent_color"] or "")}'
            f'{shell.field("brand", "support_url", "Support link", "url", required=False, value=branding["support_url"] or "")}'
            '<p><button type=submit>Save branding</button></p></form>' + _logo_form(branding["logo_url"]) + '</section>')


def _logo_form(current: str | None) -> str:
    """The logo: the file goes up through get_upload_url first (the form script), then its URL
    is saved like the other fields."""
    shown = (f'<p>Current logo: <img src="{html.escape(urlsplit(current).path)}" alt="The current logo" height=48></p>'
             if current else "<p>No logo yet: the pages show the display name.</p>")
    return (f'<h3>Logo</h3>{shown}<form method=post action="/api/method/doctypes.branding.api.update_branding" data-method>'
            f'{shell.alert()}<p class=field><label for=brand-logo>Logo image (PNG, JPEG, GIF or WebP)</label>'
            '<input id=brand-logo name=logo type=file required data-url-field=logo_url '
            f'accept="{",".join(sorted(LOGO_TYPES))}" aria-describedby=brand-logo-error>'
            '<span class=error id=brand-logo-error data-error-for=logo></span></p><input type=hidden name=logo_url>'
            '<p><button type=submit>Upload logo</button></p></form>')
