"""The customer's tracking page at /track/<token>, its compact widget at /embed/<token> (the
one page that may be framed) and the QR of its address at /track/<token>/qr.png.

Readable without JavaScript: times are written in UTC on the server, and a small script only
rewrites them in the reader's own time zone. Until the tracker completes, the page reloads
itself every 30 seconds. A fresh kept page (traciqo_rpc/page_cache.py) is served on the event
loop with no query; otherwise a worker thread checks the tracker's and the branding's versions
and renders only when they moved. The CSP nonce is the one part made for each response.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
from dataclasses import dataclass

from doctypes.auth_code import qr
from doctypes.branding import colour
from doctypes.branding import service as brandings
from doctypes.branding.service import PageBranding
from traciqo_rpc import FileResult, HtmlResult, RequestContext, errors

from . import public
from .model import COMPLETED, IN_PROGRESS
from .service import tracking_url

DEFAULT_TITLE = "Order tracking"
DEFAULT_ACCENT = "#1d4ed8"
REFRESH_SECONDS = 30
# Shared caches (a CDN) and browsers keep a page a few seconds: a reload shows a change quickly.
CACHE_CONTROL = "public, max-age=5"
QR_SIZE = 300
QR_MAX_AGE = 86400
# Where a response's own nonce goes in a kept page; "<" never survives html.escape, so no
# text a workspace wrote can contain it.
NONCE = "<nonce>"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STATES = {  # step status -> (class, icon, words): the words carry the state, never the colour alone
    COMPLETED: ("done", "✓", "Done"),
    IN_PROGRESS: ("now", "●", "In progress"),
}
PENDING_STATE = ("todo", "○", "Not started")
NO_BRANDING = PageBranding(None, None, None, None, version=0)


class TrackingLinkNotFound(errors.DoesNotExistError):
    """No tracker has that token (never had one, or it was deleted)."""


@dataclass(frozen=True)
class PageKind:
    name: str
    frame_ancestors: str  # CSP: who may put the page in a frame
    deny_framing: bool  # X-Frame-Options: DENY too, for browsers without frame-ancestors


FULL = PageKind(public.TRACK_PAGE, "'none'", deny_framing=True)
EMBED = PageKind(public.EMBED_PAGE, "*", deny_framing=False)


async def tracking_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                        headers: dict[str, str]) -> HtmlResult:
    return await _serve(ctx, params["token"], FULL)


async def embed_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                     headers: dict[str, str]) -> HtmlResult:
    """The compact widget for an <iframe> on the workspace's own site."""
    return await _serve(ctx, params["token"], EMBED)


def tracking_qr(ctx: RequestContext, params: dict[str, str], headers: dict[str, str], body: bytes) -> FileResult:
    """GET /track/<token>/qr.png: no key needed, the token is the capability."""
    token = params["token"]
    if public.find(token) is None:
        raise TrackingLinkNotFound("Not found")
    return FileResult(qr.render(tracking_url(ctx, token), "png", QR_SIZE), "image/png", max_age=QR_MAX_AGE)


async def _serve(ctx: RequestContext, token: str, kind: PageKind) -> HtmlResult:
    page = ctx.services.pages.fresh((token, kind.name))
    if page is None:
        page = await ctx.services.read_in_thread(ctx, lambda: _current_page(ctx, token, kind))
    if page is None:
        return _respond(_not_found_page(kind), kind, status=404)
    return _respond(page, kind)


def _current_page(ctx: RequestContext, token: str, kind: PageKind) -> tuple[str, ...] | None:
    """The page as the tracker and the branding are now: the kept one while their versions
    match, else rendered again; None for an unknown token."""
    pages, key = ctx.services.pages, (token, kind.name)
    begun = pages.begin()
    found = public.find(token)
    if found is None:  # never was, or deleted: a page still kept is never fresh again
        return None
    branding = brandings.for_pages(ctx, found.workspace_id, found.is_sandbox)
    page = pages.check(key, (found.version, branding.version), begun)
    if page is None:
        tracker = public.load(found.id)
        if tracker is None:  # deleted since the look-up
            return None
        render = _full_page if kind is FULL else _embed_page
        page = tuple(render(tracker, branding, token).split(NONCE))
        pages.put(key, (tracker.version, branding.version), page, begun)
    return page


def _respond(page: tuple[str, ...], kind: PageKind, status: int = 200) -> HtmlResult:
    nonce = secrets.token_urlsafe(16)
    headers = {
        "Content-Security-Policy": f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
                                   f"img-src 'self'; base-uri 'none'; form-action 'none'; "
                                   f"frame-ancestors {kind.frame_ancestors}",
    }
    if kind.deny_framing:
        headers["X-Frame-Options"] = "DENY"
    if status == 200:
        headers["Cache-Control"] = CACHE_CONTROL
    return HtmlResult(nonce.join(page), status=status, headers=headers)


def _utc(moment: dt.datetime) -> str:
    """<time> in UTC, the offset in words ("5 Dec 2026, 14:03 UTC"); the script localises it."""
    text = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M} UTC"
    return f'<time datetime="{moment:%Y-%m-%dT%H:%M:%SZ}">{text}</time>'


def _document(title: str, style: str, kind: PageKind, content: str, refresh: bool) -> str:
    meta_refresh = f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">' if refresh else ""
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<meta name=robots content=noindex>{meta_refresh}<title>{html.escape(title)}</title>"
            f'<style nonce="{NONCE}">{style}</style></head><body class={kind.name}>{content}'
            f'<script nonce="{NONCE}">{SCRIPT}</script></body></html>')


def _style(branding: PageBranding) -> str:
    accent = branding.accent_color or DEFAULT_ACCENT
    return f":root{{--accent:{accent};--on-accent:{colour.text_on(accent)}}}{STYLE}"


def _brand(branding: PageBranding) -> str:
    name = branding.display_name
    logo = ""
    if branding.logo_path:
        alt = "" if name else "Logo"  # beside the name, the logo adds nothing to read out
        logo = f'<img src="{html.escape(branding.logo_path)}" alt="{alt}">'
    return f"{logo}<span>{html.escape(name or DEFAULT_TITLE)}</span>"


def _summary(tracker: public.PublicTracker) -> str:
    if tracker.status == COMPLETED:
        when = f" on {_utc(tracker.completed_at)}" if tracker.completed_at else ""
        return f'<p class="summary done"><span class=icon aria-hidden=true>✓</span><span><strong>Completed</strong>{when}</span></p>'
    current = tracker.current
    if tracker.status == IN_PROGRESS:
        now = f": now <strong>{html.escape(current.name)}</strong>" if current else ""
        return f'<p class="summary now"><span class=icon aria-hidden=true>●</span><span><strong>In progress</strong>{now}</span></p>'
    return '<p class="summary todo"><span class=icon aria-hidden=true>○</span><span><strong>Not started yet</strong></span></p>'


def _timeline(tracker: public.PublicTracker, compact: bool) -> str:
    if not tracker.steps:
        return "<p>No steps to show yet.</p>"
    current = tracker.current
    done = sum(step.status == COMPLETED for step in tracker.steps)
    items = []
    for step in tracker.steps:
        css, icon, words = STATES.get(step.status, PENDING_STATE)
        if step.status == COMPLETED and step.completed_at:
            when = f"<p class=times>Completed {_utc(step.completed_at)}</p>"
        elif step.status == IN_PROGRESS and step.started_at:
            when = f"<p class=times>Started {_utc(step.started_at)}</p>"
        else:
            when = ""
        mark = " aria-current=step" if step is current else ""
        items.append(f"<li class='step {css}'{mark}><span class=icon aria-hidden=true>{icon}</span><div>"
                     f"<p class=name>{html.escape(step.name)}</p><p class=state>{words}</p>{when}</div></li>")
    words = f"Progress: {done} of {len(tracker.steps)} steps done"
    heading = f"<p class=heading id=progress>{words}</p>" if compact else f"<h2 id=progress>{words}</h2>"
    return f"{heading}<ol class=timeline aria-labelledby=progress>{''.join(items)}</ol>"


def _sandbox_note(tracker: public.PublicTracker) -> str:
    return "<p class=sandbox role=note>This is a test tracker (sandbox), not a real order.</p>" if tracker.is_sandbox else ""


def _full_page(tracker: public.PublicTracker, branding: PageBranding, token: str) -> str:
    ongoing = tracker.status != COMPLETED
    support = (f'<p><a href="{html.escape(branding.support_url)}" rel="noopener noreferrer">Contact support</a></p>'
               if branding.support_url else "")
    refresh_note = f"<p>This page updates itself every {REFRESH_SECONDS} seconds.</p>" if ongoing else ""
    content = (f"<header>{_brand(branding)}</header><main>{_sandbox_note(tracker)}"
               f"<h1>{html.escape(tracker.name)}</h1>{_summary(tracker)}{_timeline(tracker, compact=False)}</main>"
               f"<footer>{support}<p id=time-note>Times are in UTC.</p>{refresh_note}</footer>")
    title = f"{tracker.name} · {branding.display_name or DEFAULT_TITLE}"
    return _document(title, _style(branding), FULL, content, refresh=ongoing)


def _embed_page(tracker: public.PublicTracker, branding: PageBranding, token: str) -> str:
    content = (f"<header>{_brand(branding)}</header><main>{_sandbox_note(tracker)}"
               f"<h1>{html.escape(tracker.name)}</h1>{_summary(tracker)}{_timeline(tracker, compact=True)}</main>"
               f'<footer><a href="/track/{html.escape(token)}" target=_blank rel=noopener>Open the full tracking page'
               "</a></footer>")
    return _document(tracker.name, _style(branding), EMBED, content, refresh=tracker.status != COMPLETED)


def _not_found_page(kind: PageKind) -> tuple[str, ...]:
    """The same for a token that never existed and a deleted tracker: nothing to tell them apart."""
    content = ("<main><h1>Page not found</h1><p>This tracking link is not valid. "
               "Check the link you were given, or ask the sender for a new one.</p></main>")
    return tuple(_document("Page not found", _style(NO_BRANDING), kind, content, refresh=False).split(NONCE))


STYLE = (
    "*{box-sizing:border-box}"
    "body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f5f7;"
    "color:#1d2330;overflow-wrap:anywhere}"
    "header{background:var(--accent);color:var(--on-accent);padding:.75rem 1rem;display:flex;align-items:center;"
    "gap:.6rem;font-weight:600;font-size:1.1rem}"
    "header img{max-height:2.5rem;max-width:9rem;width:auto;height:auto;border-radius:6px;background:#fff}"
    "main,footer{max-width:40rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 .75rem}"
    "h2,.heading{font-size:1rem;margin:1.5rem 0 .75rem;color:#374151;font-weight:600}"
    ".summary{display:flex;gap:.6rem;align-items:center;margin:0;padding:.75rem 1rem;border-radius:10px;"
    "background:#fff;border-left:6px solid var(--accent);box-shadow:0 1px 3px rgba(0,0,0,.08)}"
    ".icon{flex:none;width:2rem;height:2rem;border-radius:50%;display:flex;align-items:center;"
    "justify-content:center;font-weight:700;border:2px solid #6b7280;background:#fff;color:#374151}"
    ".done .icon,.now .icon{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}"
    ".timeline{list-style:none;margin:0;padding:0}"
    ".step{display:flex;gap:.75rem;position:relative;padding-bottom:1rem}"
    ".step:not(:last-child)::before{content:'';position:absolute;left:calc(1rem - 1px);top:2rem;bottom:0;"
    "border-left:2px solid #c4c9d2}"
    ".step p{margin:0}.name{font-weight:600}.state,.times{color:#4b5563;font-size:.9rem}"
    ".now .state{color:#1d2330;font-weight:700}"
    "footer{color:#4b5563;font-size:.9rem}footer p{margin:.25rem 0}a{color:#1d4ed8}"
    ".sandbox{background:#fff3cd;color:#5c4400;border:1px solid #e0c36a;padding:.6rem .8rem;border-radius:8px}"
    "@media (min-width:48rem){main{padding:2rem 1rem}h1{font-size:2rem}}"
    ".embed{background:#fff;font-size:.9rem}.embed header{padding:.5rem .75rem;font-size:1rem}"
    ".embed main,.embed footer{padding:.5rem .75rem}.embed h1{font-size:1.15rem;margin:.25rem 0 .5rem}"
    ".embed .icon{width:1.5rem;height:1.5rem;font-size:.8rem}.embed .step{padding-bottom:.5rem}"
    ".embed .step:not(:last-child)::before{left:calc(.75rem - 1px);top:1.5rem}.embed .summary{box-shadow:none}"
)

# Rewrites each <time> in the reader's time zone; without JavaScript the UTC text stays.
SCRIPT = (
    "(function(){var f;try{f=new Intl.DateTimeFormat(undefined,{day:'numeric',month:'short',year:'numeric',"
    "hour:'2-digit',minute:'2-digit',timeZoneName:'short'});}catch(e){return;}"
    "var t=document.querySelectorAll('time[datetime]');for(var i=0;i<t.length;i++){"
    "var d=new Date(t[i].getAttribute('datetime'));if(!isNaN(d.getTime())){t[i].title=t[i].textContent;"
    "t[i].textContent=f.format(d);}}var n=document.getElementById('time-note');"
    "if(n){n.textContent='Times are in your time zone.';}"
    "document.documentElement.setAttribute('data-times','local');})();"
)
