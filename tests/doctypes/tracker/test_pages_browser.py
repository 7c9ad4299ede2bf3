"""The tracking pages in a real headless Chromium (Debian's, driven by playwright)."""

from __future__ import annotations

import contextlib
import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from tests.support.browser import post

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
API = "doctypes.tracker.api."


@contextlib.contextmanager
def shop(page_html: str) -> Iterator[str]:
    """Another site on another loopback port (another origin) serving one page: a shop embedding us.
    A real server, not a routed page: Chromium refuses loopback frames in a page of unknown address."""
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            body = page_html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tracker(site) -> dict:
    """A 3d-printing tracker (Quality Check is internal) with its first step done and its second started."""
    created = post(site.api, API + "create_tracker", name="Order " + "#1234567890" * 4, template="3d-printing")
    post(site.api, API + "update_status", tracker_id=created["id"], process="Preparing/Slicing", action="complete")
    post(site.api, API + "update_status", tracker_id=created["id"], process="3D Printing", action="start")
    return created


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_timeline_fits_the_screen(open_page, site, tracker, device, javascript):
    page, response = open_page(f"{site.base}/track/{tracker['tracking_token']}", java_script_enabled=javascript,
                               **device)
    assert response.status == 200
    timeline = page.locator("ol.timeline")
    assert timeline.is_visible()
    assert timeline.locator("li").count() == 5  # six steps, one internal
    assert page.locator("li[aria-current=step] .name").inner_text() == "3D Printing"
    for landmark in ("header", "main", "footer"):
        assert page.locator(landmark).count() == 1
    width = device["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if not javascript:
        assert "UTC" in page.locator("li").first.inner_text()


def test_times_are_rewritten_to_local_time(open_page, site, tracker):
    page, _ = open_page(f"{site.base}/track/{tracker['tracking_token']}", locale="en-GB", timezone_id="Asia/Tokyo")
    page.locator("html[data-times=local]").wait_for()
    first = page.locator("time").first
    utc_text, local_text = first.get_attribute("title"), first.inner_text()
    assert utc_text.endswith(" UTC") and "UTC" not in local_text
    utc_hour = int(re.search(r", (\d\d):\d\d UTC", utc_text)[1])
    assert f"{(utc_hour + 9) % 24:02d}:" in local_text  # Tokyo is UTC+9
    assert page.locator("#time-note").inner_text() == "Times are in your time zone."


def test_the_widget_renders_inside_a_shops_iframe(open_page, site, tracker):
    embed = f'<!doctype html><title>Shop</title><iframe src="{site.base}/embed/{tracker["tracking_token"]}" ' \
            'title="Your order" width="360" height="480"></iframe>'
    with shop(embed) as shop_url:
        page, _ = open_page(shop_url, **PHONE)
    widget = page.frame_locator("iframe")
    assert widget.locator("h1").inner_text().startswith("Order #1234567890")
    assert widget.locator("ol.timeline li").count() == 5
    assert widget.locator("li[aria-current=step] .name").inner_text() == "3D Printing"
    frame = page.frames[1]
    assert frame.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_tracking_page_refuses_to_be_framed(open_page, site, tracker):
    url = f"{site.base}/track/{tracker['tracking_token']}"
    with shop(f'<!doctype html><title>Shop</title><iframe src="{url}" title="Your order"></iframe>') as shop_url:
        with_frame, _ = open_page(shop_url)
        with_frame.wait_for_load_state("load")
    frame = with_frame.frames[1]
    assert frame.url != url  # Chromium shows its own error page instead
    assert frame.locator("ol.timeline").count() == 0
