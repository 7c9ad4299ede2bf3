"""axe-core (tests/vendor/axe-core) on every dashboard page in headless Chromium: the pages of
hooks.page_routes under /app, live and sandbox, and the sign-in, password reset and invitation
pages; no violation of serious or critical impact."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.support.dashboard import add_person, app_routes, fill, seed, sign_in_page
from tests.support.helpers import key_headers

AXE = Path(__file__).resolve().parents[2] / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
NODES_SHOWN = 5


def violations(page: Any, label: str) -> list[tuple[str, ...]]:
    """axe's serious and critical findings on the page as it is: (kind, rule, impact, help, targets)."""
    page.locator("details").evaluate_all("all => all.forEach(d => { d.open = true; })")  # their forms too
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations', 'incomplete']})")
    # "incomplete" (needs review) too: axe files a repeated id that ARIA refers to there.
    return [(label, kind, rule["id"], rule["impact"], rule["help"],
             *(" ".join(node["target"]) for node in rule["nodes"]))
            for kind, key in (("violation", "violations"), ("needs review", "incomplete"))
            for rule in found[key] if rule["impact"] in BLOCKING]


def report(found: list[tuple[str, ...]]) -> str:
    """The findings by rule, each with the pages it is on and the elements (as axe selects them)."""
    pages: dict[tuple[str, ...], list[str]] = {}
    for label, *finding in found:
        pages.setdefault(tuple(finding), []).append(label)
    lines = []
    for (kind, rule, impact, help_, *targets), labels in pages.items():
        more = f" and {len(targets) - NODES_SHOWN} more" if len(targets) > NODES_SHOWN else ""
        lines += [f"{rule} [{impact}, {kind}]: {help_}", f"    on {', '.join(labels)}",
                  *(f"    {target}" for target in targets[:NODES_SHOWN]), *([f"   {more}"] if more else [])]
    return "\n".join(lines)


def visit(page: Any, url: str, label: str) -> list[tuple[str, ...]]:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{label}: {response and response.status}"
    return violations(page, label)


def mailed_link(to: str, path: str) -> str:
    from doctypes.email.model import EmailMessage

    mail = EmailMessage.select().where(EmailMessage.to == to).order_by(EmailMessage.id.desc()).get()
    return re.search(rf"/{path}/\S+", mail.body)[0]


def test_no_serious_accessibility_violation_on_any_dashboard_page(rt, site, workspace, open_page):
    data = {"live": seed(site.api, {}, "Live"), "sandbox": seed(site.api, key_headers(workspace, "sandbox"), "Sandbox")}
    add_person(rt, "ann@example.com", "owner")
    add_person(rt, "vic@example.com", "viewer")
    site.api.post("/api/method/doctypes.user.api.request_password_reset", json={"email": "ann@example.com"})

    # The pages' policy runs scripts with the page's nonce only, so add_script_tag's inline axe is
    # refused ("Executing inline script violates ... script-src"): this test alone turns it off.
    page, _ = open_page(site.base + "/login", bypass_csp=True)
    found = violations(page, "/login")
    found += visit(page, site.base + "/reset", "/reset")
    found += visit(page, site.base + mailed_link("ann@example.com", "reset"), "/reset/<token>")
    found += visit(page, site.base + "/invite/not-a-token", "/invite/<a token not valid>")

    page.goto(site.base + "/login")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    invited = page.request.post(site.base + "/api/method/doctypes.user.api.invite_member",
                                data={"email": "newbie@example.com", "role": "viewer"},
                                headers={"X-Frappe-CSRF-Token": csrf})
    assert invited.ok, invited.text()

    for environment in ("live", "sandbox"):
        if environment == "sandbox":
            page.goto(site.base + "/app")
            page.get_by_role("button", name="Switch to sandbox").click()
            page.get_by_role("note").filter(has_text="Sandbox").wait_for()
        for route in app_routes():
            path = fill(route, data[environment])
            found += visit(page, site.base + path, f"{path} ({environment})")
    found += visit(page, site.base + mailed_link("newbie@example.com", "invite"), "/invite/<token>")
    assert not found, "axe-core found serious or critical problems:\n" + report(found)
