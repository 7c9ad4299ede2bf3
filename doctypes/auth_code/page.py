"""The public verification page at /v/<code> and the GS1 Digital Link form /01/<gtin>/21/<code>.

Works without JavaScript: the scan is recorded and judged on the server. With JavaScript,
a button offers to add the phone's location, which strengthens clone detection.
"""

from __future__ import annotations

import html
import secrets
from typing import Any

from doctypes.product import gtin as gtin_rules
from doctypes.scan import service as scans
from traciqo_rpc import HtmlResult, RequestContext

VERDICTS = {
    "genuine": ("ok", "Genuine product", "This code is authentic. This is its first verification."),
    "already_verified": ("warn", "Genuine, verified before",
                         "This code is authentic and has been verified {count} times, first on {first}. "
                         "If you did not scan it before, ask your seller."),
    "suspicious": ("bad", "Possible counterfeit",
                   "This code is real, but the way it is being scanned suggests a copied label: {reasons}. "
                   "Contact the brand before you use the product."),
    "withdrawn": ("bad", "Code withdrawn", "The brand has withdrawn this code. Do not trust this label."),
    "not_genuine": ("bad", "Not genuine", "We could not find this code. Check it was typed correctly; "
                    "if it was, the product may be counterfeit."),
}

STYLE = """
body{margin:0;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#1d2330}
main{max-width:28rem;margin:0 auto;padding:1.25rem}
.card{background:#fff;border-radius:14px;padding:1.25rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
.verdict{border-radius:10px;padding:1rem;margin-bottom:1rem;color:#fff}
.ok{background:#1b7f3b}.warn{background:#b26a00}.bad{background:#b3261e}
.verdict h1{font-size:1.4rem;margin:0 0 .35rem}.verdict p{margin:0;line-height:1.4}
dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem .9rem;margin:0}dt{color:#5b6474}dd{margin:0;font-weight:600}
code{font-size:.95rem;letter-spacing:.03em}
button{margin-top:1rem;width:100%;padding:.8rem;border:0;border-radius:10px;background:#1d2330;color:#fff;font-size:1rem}
.note{color:#5b6474;font-size:.85rem;margin-top:.75rem}.sandbox{background:#fff3cd;padding:.5rem;border-radius:8px}
"""

SCRIPT = """
(function(){var b=document.getElementById('share-location');if(!b||!navigator.geolocation){if(b)b.hidden=true;return;}
b.addEventListener('click',function(){b.disabled=true;b.textContent='Checking location…';
navigator.geolocation.getCurrentPosition(function(p){fetch('/api/method/doctypes.scan.api.attach_location',{method:'POST',
headers:{'Content-Type':'application/json'},body:JSON.stringify({scan_token:b.dataset.token,lat:p.coords.latitude,lon:p.coords.longitude})})
.then(function(r){return r.json();}).then(function(d){var m=d.message||{};if(m.status==='suspicious'){var v=document.getElementById('verdict');
v.className='verdict bad';v.dataset.status='suspicious';v.querySelector('h1').textContent='Possible counterfeit';
v.querySelector('p').textContent='This code is real, but it was scanned far away a short time ago: '+(m.reasons||[]).join('; ')+'.';}
b.textContent='Location checked. Thank you.';}).catch(function(){b.textContent='Could not check the location.';});},
function(){b.textContent='Location not shared.';});});})();
"""


async def verification_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                            headers: dict[str, str]) -> HtmlResult:
    return _render(await _scan(ctx, params["code"]))


async def digital_link_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                            headers: dict[str, str]) -> HtmlResult:
    """GS1 Digital Link: /01/<GTIN>/21/<serial>; the GTIN must be the code's product's."""
    gtin = params["gtin"]
    if not gtin_rules.is_valid(gtin):
        return _render(dict(scans.NOT_GENUINE))
    return _render(await _scan(ctx, params["code"], gtin_rules.to_gtin14(gtin)))


async def _scan(ctx: RequestContext, code: str, gtin: str | None = None) -> dict[str, Any]:
    """Record the page's scan in the writer's next batch, with verify_code's calls (the page is
    where most scans arrive: each committing alone, it managed a third of the API's rate)."""
    return await ctx.services.run_batched(ctx, scans.verify_many, scans.ScanRequest(ctx, code, source="page", gtin=gtin))


def _render(result: dict[str, Any]) -> HtmlResult:
    status = result["status"]
    tone, title, message = VERDICTS[status]
    first = result.get("first_scanned_at")
    message = message.format(
        count=result.get("scan_count", 0),
        first=first.strftime("%d %b %Y") if first else "",
        reasons="; ".join(result.get("reasons") or []),
    )
    nonce = secrets.token_urlsafe(16)
    details = ""
    if status != "not_genuine":
        product = result.get("product") or {}
        rows = [("Product", product.get("name") or "—"), ("Brand", product.get("brand") or "—"),
                ("Code", result["code"]), ("Verifications", str(result["scan_count"]))]
        details = "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows) + "</dl>"
        if result.get("sandbox"):
            details = "<p class='sandbox'>Test code (sandbox): not a real product.</p>" + details
    button = ""
    if result.get("scan_token") and status in ("genuine", "already_verified"):
        button = (f"<button id=share-location type=button data-token='{html.escape(result['scan_token'])}'>"
                  "Share my location to strengthen the check</button>"
                  "<p class=note>Your location is used only to detect copied labels.</p>")
    body = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body><main><div class=card>"
        f"<div id=verdict class='verdict {tone}' data-status='{status}'><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></div>{details}{button}</div></main>"
        f"<script nonce='{nonce}'>{SCRIPT}</script></body></html>"
    )
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
           "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'")
    return HtmlResult(body, status=404 if status == "not_genuine" else 200,
                      headers={"Content-Security-Policy": csp})
