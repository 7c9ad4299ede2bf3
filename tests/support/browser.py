"""Headless Chromium (Debian's, driven by playwright) for the public pages' tests: the browser,
pages that may only reach 127.0.0.1, and the app served over real HTTP with a keyed API client.
A plugin of tests/conftest.py: a test that asks for `browser` (or `open_page`) is skipped when
Chromium or playwright is missing."""

from __future__ import annotations

import re
import types
from pathlib import Path

import httpx
import pytest

from tests.support.helpers import key_headers
from tests.support.live_server import live_server

CHROMIUM = "/usr/bin/chromium"

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 5_000
NOT_LOOPBACK = re.compile(r"^(?!http://127\.0\.0\.1:\d+/)")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, **context options) -> (page, response); contexts may only reach 127.0.0.1."""
    contexts, blocked = [], []

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    def open_(url: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.route(NOT_LOOPBACK, block)
        page = context.new_page()
        return page, page.goto(url)

    yield open_
    for context in contexts:
        context.close()
    assert blocked == [], f"the page tried to leave 127.0.0.1: {blocked}"


@pytest.fixture
def site(app, workspace):
    """The app served over real HTTP, with a key-authenticated API client."""
    with live_server(app) as base, httpx.Client(base_url=base, headers=key_headers(workspace), timeout=5) as api:
        yield types.SimpleNamespace(base=base, api=api)


def post(api: httpx.Client, method: str, **body) -> dict:
    response = api.post(f"/api/method/{method}", json=body)
    response.raise_for_status()
    return response.json()["message"]
