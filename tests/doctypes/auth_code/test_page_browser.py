"""The verification page in a real headless Chromium (Debian's, driven by playwright)."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.support.helpers import key_headers
from tests.support.live_server import live_server

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not shutil.which("chromium"):
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(make_app, settings):
    """The app served over HTTP, a workspace, and a product with a GTIN and two codes."""
    app = make_app(settings.with_changes(base_url="http://127.0.0.1"))
    with live_server(app) as base:
        from doctypes.workspace.service import create_workspace
        from tests.support.helpers import call

        keys = call(app.state.runtime, lambda ctx: create_workspace(ctx, "Acme Ltd", "pro"))
        headers = key_headers(keys)
        with httpx.Client(base_url=base, headers=headers, timeout=10) as api:
            api.post("/api/method/doctypes.product.api.upsert_product",
                     json={"name": "Chess Set", "brand": "Acme Games", "gtin": "4006381333931"})
            issued = api.post("/api/method/doctypes.auth_code.api.create_code",
                              json={"batch_name": "B", "quantity": 2, "product_id": "PRD-00001"}).json()["message"]
            yield {"base": base, "api": api, "codes": issued["codes"]}


def open_page(browser, url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    response = page.goto(url)
    return context, page, response


def test_fresh_code_is_genuine(browser, site):
    context, page, response = open_page(browser, f"{site['base']}/v/{site['codes'][0]}")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Genuine product"
    assert "Chess Set" in page.content() and "Acme Games" in page.content()
    context.close()


def test_page_works_without_javascript(browser, site):
    context, page, response = open_page(browser, f"{site['base']}/v/{site['codes'][0]}", java_script_enabled=False)
    assert response.status == 200
    assert page.locator("#verdict").get_attribute("data-status") == "genuine"
    context.close()


def test_second_visit_says_verified_before(browser, site):
    url = f"{site['base']}/v/{site['codes'][0]}"
    open_page(browser, url)[0].close()
    context, page, _ = open_page(browser, url)
    assert page.locator("h1").inner_text() == "Genuine, verified before"
    assert "verified 2 times" in page.locator("#verdict p").inner_text()
    context.close()


@pytest.mark.parametrize("code", ["ACME-0000-0000-0000-0000", "hello"])
def test_unknown_code_is_not_genuine_and_reveals_nothing(browser, site, code):
    context, page, response = open_page(browser, f"{site['base']}/v/{code}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not genuine"
    assert "Chess Set" not in page.content()
    context.close()


def test_withdrawn_code(browser, site):
    site["api"].post("/api/method/doctypes.auth_code.api.void_code", json={"code": site["codes"][1]})
    context, page, _ = open_page(browser, f"{site['base']}/v/{site['codes'][1]}")
    assert page.locator("h1").inner_text() == "Code withdrawn"
    context.close()


def test_gs1_digital_link(browser, site):
    serial = site["codes"][0].replace("-", "")
    context, page, response = open_page(browser, f"{site['base']}/01/04006381333931/21/{serial}")
    assert response.status == 200 and page.locator("h1").inner_text() == "Genuine product"
    page.goto(f"{site['base']}/01/00000000000017/21/{serial}")
    assert page.locator("h1").inner_text() == "Not genuine"
    context.close()


def test_shared_location_can_reveal_a_clone(browser, site):
    code = site["codes"][0]
    # Someone scanned this label in Sydney a moment ago...
    site["api"].get("/api/method/doctypes.auth_code.api.verify_code",
                    params={"code": code, "lat": -33.87, "lon": 151.21})
    # ...and now a phone in Paris opens the page and shares its location.
    context, page, _ = open_page(browser, f"{site['base']}/v/{code}",
                                 geolocation={"latitude": 48.85, "longitude": 2.35}, permissions=["geolocation"])
    assert page.locator("h1").inner_text() == "Genuine, verified before"
    page.click("#share-location")
    # A selector, not a JS predicate: the page's CSP rightly forbids eval.
    page.locator("#verdict[data-status=suspicious]").wait_for()
    assert page.locator("h1").inner_text() == "Possible counterfeit"
    context.close()


def test_mobile_layout_fits_the_screen(browser, site, tmp_path):
    context, page, _ = open_page(browser, f"{site['base']}/v/{site['codes'][0]}",
                                 viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "verify.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()
