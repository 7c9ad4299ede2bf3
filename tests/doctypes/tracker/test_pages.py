"""The public tracking pages: visible steps only, states, branding, 404s, headers, the
per-version page cache and the QR image."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from doctypes.tracker import public
from tests.doctypes.branding.test_api import upload
from tests.support.helpers import key_headers

API = "/api/method/doctypes.tracker.api."
# An internal step's name: it must appear nowhere in any public answer.
MARKER = "zq-internal-7f3a9c"
UTC_TIME = re.compile(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC</time>')
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def make_template(client, headers) -> None:
    response = client.post("/api/method/doctypes.tracker_template.api.create_template", headers=headers, json={
        "slug": "secret-flow", "name": "Secret flow",
        "steps": [{"name": "Received"}, {"name": MARKER, "visible": False}, {"name": "Shipped"}]})
    assert response.status_code == 200, response.text


@pytest.fixture
def tracker(client, headers) -> dict:
    """A tracker of three steps, the middle one internal (named MARKER)."""
    make_template(client, headers)
    return create(client, headers, template="secret-flow")


def create(client, headers, **body) -> dict:
    response = client.post(API + "create_tracker", json={"name": "Order #1", **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def status(client, headers, tracker_id, process, action) -> dict:
    response = client.post(API + "update_status", headers=headers,
                           json={"tracker_id": tracker_id, "process": process, "action": action})
    assert response.status_code == 200, response.text
    return response.json()["message"]


def page(client, tracker, kind="track"):
    return client.get(f"/{kind}/{tracker['tracking_token']}")


def assert_hidden(response) -> None:
    """Not the internal step's name, nor its count (three steps, two shown), anywhere."""
    everything = response.content + str(response.headers).encode()
    assert MARKER.encode() not in everything
    assert MARKER.upper().encode() not in everything.upper()
    assert b"of 3 steps" not in response.content


@pytest.mark.parametrize("kind", ["track", "embed"])
def test_only_visible_steps_in_order(client, tracker, kind):
    response = page(client, tracker, kind)
    assert response.status_code == 200
    body = response.text
    timeline = body[body.index("<ol"):body.index("</ol>")]
    assert re.findall(r"<p class=name>([^<]*)</p>", timeline) == ["Received", "Shipped"]
    assert timeline.count("<li") == 2 and "0 of 2 steps done" in body
    assert "Not started yet" in body
    assert_hidden(response)


@pytest.mark.parametrize("kind", ["track", "embed"])
def test_an_internal_current_step_is_never_shown(client, headers, tracker, kind):
    status(client, headers, tracker["id"], MARKER, "start")
    detail = client.get(API + "get_tracker", params={"tracker_id": tracker["id"]}, headers=headers).json()["message"]
    assert detail["current_process"] == MARKER  # the API shows it to the owner
    alone = page(client, tracker, kind)
    assert_hidden(alone)
    assert "<strong>In progress</strong></span>" in alone.text and "aria-current" not in alone.text  # no "now"
    status(client, headers, tracker["id"], "Received", "start")
    status(client, headers, tracker["id"], MARKER, "complete")
    status(client, headers, tracker["id"], "Shipped", "start")
    status(client, headers, tracker["id"], "Shipped", "complete")
    # Received is now the only visible step in progress, while the internal one is done.
    response = page(client, tracker, kind)
    assert_hidden(response)
    assert "now <strong>Received</strong>" in response.text
    assert re.search(r"<li class='step now' aria-current=step>.*?<p class=name>Received</p>", response.text)


def test_internal_step_started_last_is_not_the_current_one(client, headers, tracker):
    status(client, headers, tracker["id"], "Received", "start")
    status(client, headers, tracker["id"], MARKER, "start")  # the tracker's current_process now
    response = page(client, tracker)
    assert_hidden(response)
    assert "now <strong>Received</strong>" in response.text


def test_times_are_utc_in_words(client, headers, tracker):
    status(client, headers, tracker["id"], "Received", "complete")
    body = page(client, tracker).text
    assert UTC_TIME.search(body), body
    assert "Completed <time" in body and "Times are in UTC." in body


def test_completed_page_stops_refreshing(client, headers, tracker):
    refresh = '<meta http-equiv="refresh" content="30">'
    assert refresh in page(client, tracker).text and refresh in page(client, tracker, "embed").text
    for step in ("Received", MARKER, "Shipped"):
        status(client, headers, tracker["id"], step, "complete")
    for kind in ("track", "embed"):
        response = page(client, tracker, kind)
        assert refresh not in response.text and "http-equiv" not in response.text
        assert "<strong>Completed</strong> on <time" in response.text and "2 of 2 steps done" in response.text
        assert_hidden(response)


def test_a_status_change_drops_the_kept_page(client, headers, tracker, monkeypatch):
    """Views render once per version; the next view after a change shows it."""
    loaded = []
    load = public.load
    monkeypatch.setattr(public, "load", lambda tracker_id: loaded.append(tracker_id) or load(tracker_id))
    before = [page(client, tracker).text for _ in range(3)]
    assert loaded == [tracker["id"]] and "Not started yet" in before[0]
    status(client, headers, tracker["id"], "Shipped", "start")
    after = page(client, tracker).text
    assert loaded == [tracker["id"]] * 2 and "now <strong>Shipped</strong>" in after
    client.post(API + "update_tracker", json={"tracker_id": tracker["id"], "name": "Order #1 (rush)"},
                headers=headers).raise_for_status()
    assert "<h1>Order #1 (rush)</h1>" in page(client, tracker).text
    embed = page(client, tracker, "embed").text  # each kind is kept on its own
    assert "<h1>Order #1 (rush)</h1>" in embed and len(loaded) == 4
    client.post(API + "delete_tracker", json={"tracker_id": tracker["id"]}, headers=headers).raise_for_status()
    assert page(client, tracker).status_code == 404


def test_another_processs_change_shows_within_a_second(client, tracker, monkeypatch):
    """A kept page is served without a query while fresh; a change committed elsewhere (here, a
    row written as another process would, so this one forgets nothing) shows once it is not."""
    from doctypes.tracker.model import Tracker
    from traciqo_rpc import page_cache

    assert "<h1>Order #1</h1>" in page(client, tracker).text
    Tracker.update(name="Renamed elsewhere", version=Tracker.version + 1).where(Tracker.id == tracker["id"]).execute()
    assert "<h1>Order #1</h1>" in page(client, tracker).text  # still fresh here
    later = page_cache.time.monotonic() + page_cache.FRESH_SECONDS + 0.1
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert "<h1>Renamed elsewhere</h1>" in page(client, tracker).text


def test_a_kept_page_gets_a_new_nonce_each_time(client, tracker):
    first, second = page(client, tracker), page(client, tracker)
    nonces = [re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"])[1] for r in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert response.text.count(f'nonce="{nonce}"') == 2  # the style and the script
        assert response.text.replace(nonce, "N") == first.text.replace(nonces[0], "N")


def test_tracker_headers(client, tracker):
    response = page(client, tracker)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'nonce-" in csp and "img-src 'self'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "public, max-age=5"
    assert response.headers["content-type"].startswith("text/html")


def test_embed_headers_allow_framing(client, tracker):
    response = page(client, tracker, "embed")
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["cache-control"] == "public, max-age=5"
    assert f'href="/track/{tracker["tracking_token"]}"' in response.text


@pytest.mark.parametrize("kind", ["track", "embed"])
def test_unknown_and_deleted_trackers_are_plain_404s(client, headers, tracker, kind):
    page(client, tracker, kind)  # kept, then deleted
    client.post(API + "delete_tracker", json={"tracker_id": tracker["id"]}, headers=headers).raise_for_status()
    answers = [page(client, tracker, kind), client.get(f"/{kind}/AAAAAAAAAAAAAAAAAAAAAA"),
               client.get(f"/{kind}/not-a-token"), client.get(f"/{kind}/{'x' * 300}")]
    bodies = set()
    for response in answers:
        assert response.status_code == 404
        assert "Order #1" not in response.text and "Received" not in response.text and "acme" not in response.text
        assert_hidden(response)
        assert response.headers["cache-control"] == "no-store"
        bodies.add(re.sub(r'nonce="[^"]+"', "", response.text))
    assert len(bodies) == 1  # nothing tells a deleted tracker from one that never was
    assert (kind == "track") == (answers[0].headers.get("x-frame-options") == "DENY")


def test_sandbox_tracker_says_it_is_a_test(client, workspace, tracker):
    assert "test tracker" not in page(client, tracker).text
    sandboxed = create(client, key_headers(workspace, "sandbox"))
    for kind in ("track", "embed"):
        assert "This is a test tracker (sandbox), not a real order." in page(client, sandboxed, kind).text


def test_defaults_without_branding(client, tracker):
    body = page(client, tracker).text
    assert "<header><span>Order tracking</span></header>" in body
    assert "--accent:#1d4ed8;--on-accent:#ffffff" in body
    assert "<img" not in body and "Contact support" not in body


def test_the_workspaces_branding_and_its_changes(client, workspace, headers, tracker):
    logo = upload(client, headers)
    page(client, tracker)  # kept with the default branding
    client.post("/api/method/doctypes.branding.api.update_branding", headers=headers, json={
        "display_name": "Acme <Prints>", "logo_url": logo, "accent_color": "#FFCC00",
        "support_url": "https://acme.example/help?a=1&b=2"}).raise_for_status()
    body = page(client, tracker).text
    assert "<span>Acme &lt;Prints&gt;</span>" in body and "<title>Order #1 · Acme &lt;Prints&gt;</title>" in body
    assert f'<img src="{logo.removeprefix("http://testserver")}" alt="">' in body  # same origin: img-src 'self'
    assert "--accent:#ffcc00;--on-accent:#000000" in body  # black reads better on yellow
    assert '<a href="https://acme.example/help?a=1&amp;b=2" rel="noopener noreferrer">Contact support</a>' in body
    # A sandbox key's branding shows on sandbox trackers only.
    client.post("/api/method/doctypes.branding.api.update_branding", headers=key_headers(workspace, "sandbox"),
                json={"display_name": "Sandbox Brand"}).raise_for_status()
    assert "Sandbox Brand" not in page(client, tracker).text
    sandboxed = create(client, key_headers(workspace, "sandbox"))
    assert "<span>Sandbox Brand</span>" in page(client, sandboxed).text
    client.post("/api/method/doctypes.branding.api.update_branding", headers=headers,
                json={"display_name": None}).raise_for_status()
    assert "<span>Order tracking</span>" in page(client, tracker).text


def test_names_are_escaped(client, headers):
    tracker = create(client, headers, name="<script>alert(1)</script>")
    body = page(client, tracker).text
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_qr_png_needs_no_key(client, tracker):
    response = client.get(f"/track/{tracker['tracking_token']}/qr.png")
    assert response.status_code == 200 and response.content.startswith(PNG)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "private, max-age=86400"
    zxingcpp = pytest.importorskip("zxingcpp", reason="the zxing-cpp package is not installed")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
    assert [code.text for code in decoded] == [tracker["tracking_url"]]


def test_qr_of_an_unknown_token_is_404(client):
    assert client.get("/track/AAAAAAAAAAAAAAAAAAAAAA/qr.png").status_code == 404
