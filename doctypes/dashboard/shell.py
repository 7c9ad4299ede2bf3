"""The dashboard's page shell: header with the workspace, the live/sandbox switch and sign-out,
the navigation, and the one small script that posts forms to methods.

Forms post to the same whitelisted methods a client calls (`action="/api/method/..."`). The
script sends them with the session's CSRF token, puts `field_errors` next to their fields and
any other refusal in the form's alert, and on success reloads the page (or shows what a
`data-reveal` form was answered, such as a new key's secret, once). A field left empty is not
sent: the method's default applies. A form's file (a logo) is uploaded first, through
get_upload_url and its signed PUT, and the form then posts the file's URL in the field its
input names (`data-url-field`).
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from traciqo_rpc import HtmlResult, RequestContext, errors
from traciqo_rpc.exports import csv_text

NAV = (("/app", "Overview"), ("/app/products", "Products"), ("/app/parties", "Parties"), ("/app/codes", "Codes"), ("/app/scans", "Scans"), ("/app/serials", "Serial numbers"), ("/app/warranties", "Warranties"),
       ("/app/registrations", "Registrations"), ("/app/registration-forms", "Registration forms"),
       ("/app/trackers", "Trackers"), ("/app/tracker-templates", "Tracker templates"),
       ("/app/items", "Items"), ("/app/warehouses", "Warehouses"), ("/app/stock-ledger", "Stock ledger"), ("/app/boms", "BOMs"), ("/app/builds", "Builds"), ("/app/stock-report", "Stock report"),
       ("/app/sales-orders", "Sales orders"),
       ("/app/purchase-orders", "Purchase orders"),
       ("/app/keys", "API keys"), ("/app/webhooks", "Webhooks"),
       ("/app/workspace", "Workspace"), ("/app/members", "Members"), ("/app/emails", "Emails"), ("/app/account", "Account"))


def page(ctx: RequestContext, title: str, content: str, csrf_token: str, active: str) -> HtmlResult:
    """A signed-in page: `content` is already escaped HTML."""
    principal = ctx.require_principal()
    sandbox = principal.is_sandbox
    other = "live" if sandbox else "sandbox"
    nav = "".join(f'<li><a href="{href}"{" aria-current=page" if href == active else ""}>{label}</a></li>'
                  for href, label in NAV)
    banner = ('<p class=sandbox role=note>Sandbox: test data, invisible to live keys and never counted '
              'against the plan.</p>') if sandbox else ""
    header = (
        f'<header><a class=brand href="/app">traciqo</a>'
        f'<span class=where>{html.escape(principal.workspace_name)} · {html.escape(principal.role)} · '
        f'{principal.environment}</span>'
        f'<form method=post action="/api/method/doctypes.session.api.switch" data-method>'
        f'<input type=hidden name=environment value={other}>'
        f'<button type=submit>Switch to {other}</button></form>'
        f'<form method=post action="/api/method/logout" data-method data-next="/login">'
        f'<button type=submit>Sign out</button></form></header>'
    )
    body = (f'{header}<nav aria-label=Dashboard><ul>{nav}</ul></nav>'
            f'<main id=main>{banner}<h1>{html.escape(title)}</h1>{content}</main>')
    return document(f"{title} · traciqo", body, csrf_token, sandbox)


def document(title: str, body: str, csrf_token: str = "", sandbox: bool = False) -> HtmlResult:
    nonce = secrets.token_urlsafe(16)
    text = ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<meta name=csrf-token content=\"{html.escape(csrf_token)}\"><title>{html.escape(title)}</title>"
            f'<style nonce="{nonce}">{STYLE}</style></head>'
            f'<body class="{"sandbox-mode" if sandbox else "live-mode"}"><a class=skip href="#main">Skip to content</a>'
            f'{body}<script nonce="{nonce}">{SCRIPT}</script></body></html>')
    return HtmlResult(text, headers={
        "Content-Security-Policy": f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
                                   "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
                                   "frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
    })


def field(form: str, name: str, label: str, kind: str = "text", required: bool = True,
          autocomplete: str = "off", value: str = "") -> str:
    """A labelled input with the place its error goes (announced with it: aria-describedby)."""
    ident = f"{form}-{name}"
    return (f'<p class=field><label for="{ident}">{html.escape(label)}</label>'
            f'<input id="{ident}" name="{name}" type="{kind}"{" required" if required else ""} '
            f'autocomplete="{autocomplete}" value="{html.escape(value)}" aria-describedby="{ident}-error">'
            f'<span class=error id="{ident}-error" data-error-for="{name}"></span></p>')


def options(choices: Sequence[tuple[str, str]], selected: str | None = None) -> str:
    """<option>s of (value, text) pairs, `selected` marked."""
    return "".join(f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>'
                   f'{html.escape(text)}</option>' for value, text in choices)


def select(form: str, name: str, label: str, choices: Sequence[tuple[str, str]]) -> str:
    ident = f"{form}-{name}"
    return (f'<p class=field><label for="{ident}">{html.escape(label)}</label>'
            f'<select id="{ident}" name="{name}" aria-describedby="{ident}-error">{options(choices)}</select>'
            f'<span class=error id="{ident}-error" data-error-for="{name}"></span></p>')


def when(moment: dt.datetime | None) -> str:
    """A time as the dashboard shows it: UTC, in words a machine can read too."""
    if not moment:
        return ""
    iso = moment.isoformat(timespec="seconds")  # a tenth of strftime's cost: a list shows one a row
    return f'<time datetime="{iso}Z">{iso[:10]} {iso[11:16]} UTC</time>'


def csrf_token(ctx: RequestContext) -> str:
    """The session's CSRF token, for the page's forms."""
    return ctx.require_principal().csrf_token


class BadListQuery(errors.ValidationError):
    """A list page's query names a filter value that does not exist, or a page out of range."""


MAX_OFFSET = 1_000_000


def offset_of(query: Mapping[str, str]) -> int:
    """The list page's `offset` (0 when absent); 417 for anything else than 0 to MAX_OFFSET."""
    try:
        offset = int(query.get("offset") or 0)
    except ValueError:
        raise BadListQuery("offset must be a number") from None
    if not 0 <= offset <= MAX_OFFSET:
        raise BadListQuery("offset out of range")
    return offset


def pager(path: str, page: Mapping[str, Any], offset: int, size: int, noun: str, **filters: str | None) -> str:
    """"N <noun>" with Newer and Older links that keep the filters."""
    def link(to: int, label: str) -> str:
        query = urlencode({k: v for k, v in (*filters.items(), ("offset", to)) if v})
        return f'<a href="{html.escape(path + ("?" + query if query else ""))}">{label}</a>'

    parts = ([link(max(0, offset - size), "Newer")] if offset else []) + (
        [link(offset + size, "Older")] if offset + size < page["total"] else [])
    return f'<nav aria-label=Pages class=pager><p>{page["total"]:,} {noun} {" · ".join(parts)}</p></nav>'


def alert() -> str:
    """Where a form's refusal that names no field is announced."""
    return '<p class=alert role=alert data-alert></p>'


def sort_of(query: Mapping[str, str], sorts: Mapping[str, str]) -> str:
    """The list page's `sort`, one of `sorts` (the first when absent); 417 for any other."""
    chosen = query.get("sort") or next(iter(sorts))
    if chosen not in sorts:
        raise BadListQuery(f"sort must be one of {', '.join(sorts)}")
    return chosen


def sort_field(sorts: Mapping[str, str], chosen: str) -> str:
    """The 'Sort by' choice, inside a list's filter form (so filters and order go together)."""
    return f'<label for=sort>Sort by</label><select id=sort name=sort>{options(list(sorts.items()), chosen)}</select>'


CSV_ROWS = 10_000  # rows in one CSV download; the next ones come with a larger offset


def wants_csv(query: Mapping[str, str]) -> bool:
    if query.get("format") not in (None, "", "csv"):
        raise BadListQuery("format must be csv")
    return query.get("format") == "csv"


def csv_link(path: str, **filters: str | int | None) -> str:
    """A link to the list as CSV, with its filters, order and offset."""
    query = urlencode({k: v for k, v in (*filters.items(), ("format", "csv")) if v})
    return f'<p><a href="{html.escape(path + "?" + query)}" download>Download CSV</a> (up to {CSV_ROWS:,} rows)</p>'


def csv_result(name: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> HtmlResult:
    """A list as a CSV download; a cell a spreadsheet would run as a formula starts with an
    apostrophe (exports.cell: the data is the public's, a scan's user agent, a customer's name)."""
    return HtmlResult(csv_text(headings, rows), headers={"Content-Type": "text/csv; charset=utf-8",
                                                         "Content-Disposition": f'attachment; filename="{name}.csv"'})


STYLE = (
    "*{box-sizing:border-box}body{margin:0;font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:#1d2330;background:#f4f5f7}"
    ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}"
    "header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:.6rem 1rem;background:#1e293b;color:#fff}"
    "header .brand{color:#fff;font-weight:700;text-decoration:none;margin-right:auto}"
    "header form{margin:0}header button{background:#334155;color:#fff;border:1px solid #94a3b8}"
    ".sandbox-mode header{background:#7c2d12}"
    "nav ul{list-style:none;margin:0;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;background:#fff;border-bottom:1px solid #d1d5db}"
    "nav a{color:#1d4ed8}nav a[aria-current]{font-weight:700;color:#1d2330}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}"
    "button{font:inherit;padding:.4rem .8rem;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;"
    "color:#fff;cursor:pointer}button.secondary{background:#fff;color:#1d4ed8}"
    "button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}"
    ".field{display:flex;flex-direction:column;gap:.25rem;max-width:24rem}"
    "input,select{font:inherit;padding:.4rem;border:1px solid #6b7280;border-radius:6px}"
    ".error,.alert{color:#b91c1c;margin:0}.alert:empty,.error:empty{display:none}"
    "table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.4rem;"
    "border-bottom:1px solid #e5e7eb;vertical-align:top}"
    ".sandbox{background:#fff3cd;color:#5c4400;border:1px solid #e0c36a;padding:.5rem .75rem;border-radius:6px}"
    ".secret{background:#ecfdf5;border:1px solid #10b981;padding:.75rem;border-radius:6px}"
    ".secret code{word-break:break-all}.card{background:#fff;padding:1rem;border-radius:8px;margin:1rem 0}"
    "fieldset{border:1px solid #d1d5db;border-radius:6px;max-width:40rem}.choices{list-style:none;padding:0;"
    "margin:0;columns:2}pre{white-space:pre-wrap;margin:0;max-width:30rem}"
    ".inline{display:inline-flex;gap:.4rem;align-items:center;margin:0 .4rem .2rem 0}"
    ".steps{list-style:none;padding:0}.actions{display:flex;gap:.5rem;margin-top:.5rem}.actions form{margin:0}"
    ".filters{display:flex;gap:.5rem;align-items:center;margin:1rem 0}"
    ".flagged td{background:#fef2f2;font-weight:600}.chart{margin:1rem 0;background:#fff;padding:.5rem;border-radius:8px}"
    ".stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:1rem;padding:0;list-style:none}"
    ".stats li{background:#fff;padding:1rem;border-radius:8px}.stats strong{display:block;font-size:1.6rem}"
)

# Posts a form to its method with the session's CSRF token; errors next to their fields.
SCRIPT = r"""
(function(){
var csrf=(document.querySelector('meta[name=csrf-token]')||{}).content||'';
function clear(f){f.querySelectorAll('[data-error-for],[data-alert]').forEach(function(e){e.textContent='';});
f.querySelectorAll('[aria-invalid]').forEach(function(e){e.removeAttribute('aria-invalid');});}
function show(f,d){var done=false,errs=d.field_errors||{};Object.keys(errs).forEach(function(k){
var e=f.querySelector('[data-error-for="'+k+'"]');var m=[].concat(errs[k]).join(' ');
if(e){e.textContent=m;var i=f.querySelector('[name="'+k+'"]');if(i){i.setAttribute('aria-invalid','true');if(!done){i.focus();}}done=true;}});
if(!done){var a=f.querySelector('[data-alert]')||document.querySelector('[data-alert]');
if(a){a.textContent=d.exception||'That did not work; please try again.';}}}
function reveal(f,m){var r=document.getElementById(f.getAttribute('data-reveal'));if(!r){return;}
r.querySelectorAll('[data-value]').forEach(function(e){var v=m[e.getAttribute('data-value')];e.textContent=v==null?'':v;});
r.hidden=false;var h=r.querySelector('[tabindex]');if(h){h.focus();}}
document.addEventListener('click',function(e){var b=e.target.closest('[data-copy]');if(!b){return;}
var t=document.getElementById(b.getAttribute('data-copy'));if(t&&navigator.clipboard){navigator.clipboard.writeText(t.textContent);
b.textContent='Copied';}});
function post(url,fd){return fetch(url,{method:'POST',body:fd,credentials:'same-origin',
headers:{'X-Frappe-CSRF-Token':csrf,'Accept':'application/json'}}).then(function(r){
return r.json().catch(function(){return {};}).then(function(d){return {ok:r.ok,d:d};});});}
function upload(f){var i=f.querySelector('input[type=file]'),file=i&&i.files[0];if(!file){return Promise.resolve(true);}
function refused(m){var e={};e[i.name]=m;show(f,{field_errors:e});return false;}
var q=new FormData();q.append('file_name',file.name);q.append('file_type',file.type||'application/octet-stream');
q.append('file_size',String(file.size));return post('/api/method/doctypes.upload.api.get_upload_url',q).then(function(a){
if(!a.ok){return refused(a.d.field_errors?[].concat.apply([],Object.keys(a.d.field_errors).map(function(k){return a.d.field_errors[k];})):[a.d.exception||'The file was refused.']);}
return fetch(new URL(a.d.message.signedRequest).pathname,{method:'PUT',body:file,credentials:'same-origin',
headers:{'Content-Type':file.type}}).then(function(p){if(!p.ok){return refused(['The upload failed; please try again.']);}
f.querySelector('[name="'+i.getAttribute('data-url-field')+'"]').value=a.d.message.url;return true;});});}
document.addEventListener('submit',function(e){var f=e.target;if(!f.hasAttribute('data-method')){return;}
e.preventDefault();if(f.hasAttribute('data-confirm')&&!window.confirm(f.getAttribute('data-confirm'))){return;}
clear(f);var b=f.querySelector('[type=submit]');if(b){b.disabled=true;}
upload(f).then(function(uploaded){if(!uploaded){if(b){b.disabled=false;}return;}
var fd=new FormData(f);f.querySelectorAll('input[type=file]').forEach(function(i){fd.delete(i.name);});
Array.from(fd.keys()).forEach(function(k){if(fd.getAll(k).every(function(v){return v==='';})){fd.delete(k);}});
return post(f.getAttribute('action'),fd).then(function(a){if(b){b.disabled=false;}var d=a.d;
if(a.ok){if(f.hasAttribute('data-reveal')){reveal(f,d.message||{});f.reset();}
else{window.location.assign(f.getAttribute('data-next')||window.location.href);}}else{show(f,d);}});
}).catch(function(){if(b){b.disabled=false;}show(f,{exception:'The server could not be reached; please try again.'});});});
})();
"""
