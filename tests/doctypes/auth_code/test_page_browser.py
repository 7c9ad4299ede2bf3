"""The verification page in a real headless Chromium (Debian's, driven by playwright)."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.auth_code import codes
from doctypes.scan.model import Scan
from tests.support.browser import post
from tests.support.helpers import call

GTIN = "4006381333931"
PARIS = {"latitude": 48.85, "longitude": 2.35}
SYDNEY = {"lat": -33.87, "lon": 151.21}


@pytest.fixture
def code(site) -> str:
    """A fresh code for a product with a name, a brand and a GTIN."""
    post(site.api, "doctypes.product.api.upsert_product", name="Chess Set", brand="Acme Games", gtin=GTIN)
    issued = post(site.api, "doctypes.auth_code.api.create_code", batch_name="B", product_id="PRD-00001")
    return issued["codes"][0]


def backdate_scans(rt, delta: dt.timedelta) -> None:
    """Move every recorded scan `delta` into the past."""
    def move(ctx) -> None:
        for scan in Scan.select():
            scan.scanned_at -= delta
            scan.save(only=[Scan.scanned_at])

    call(rt, move)


def verdict(page) -> str:
    return page.locator("#verdict h1").inner_text()


def test_fresh_code_is_genuine(open_page, site, code):
    """The first visit says genuine and names the product and brand."""
    page, response = open_page(f"{site.base}/v/{code}")
    assert response.status == 200
    assert verdict(page) == "Genuine product"
    details = page.locator("dl").inner_text()
    assert "Chess Set" in details and "Acme Games" in details and code in details


def test_page_works_without_javascript(open_page, site, code):
    """The verdict is rendered on the server."""
    page, response = open_page(f"{site.base}/v/{code}", java_script_enabled=False)
    assert response.status == 200
    assert verdict(page) == "Genuine product"
    assert "Chess Set" in page.locator("dl").inner_text()


def test_second_visit_says_verified_before(open_page, site, code):
    """Opening the same code again shows the count."""
    open_page(f"{site.base}/v/{code}")
    page, response = open_page(f"{site.base}/v/{code}")
    assert response.status == 200
    assert verdict(page) == "Genuine, verified before"
    assert "verified 2 times" in page.locator("#verdict p").inner_text()


@pytest.mark.parametrize("unknown", [codes.display(codes.generate("ACME")), "hello"], ids=["well-formed", "garbage"])
def test_unknown_code_is_not_genuine_and_reveals_nothing(open_page, site, code, unknown):
    """404 with the verdict only: no product, no details, no location button."""
    page, response = open_page(f"{site.base}/v/{unknown}")
    assert response.status == 404
    assert verdict(page) == "Not genuine"
    assert page.locator("dl, #share-location").count() == 0
    text = page.locator("body").inner_text()
    assert "Chess Set" not in text and "Acme" not in text


def test_withdrawn_code(open_page, site, code):
    """A voided code says it was withdrawn."""
    post(site.api, "doctypes.auth_code.api.void_code", code=code, reason="stolen pallet")
    page, _ = open_page(f"{site.base}/v/{code}")
    assert verdict(page) == "Code withdrawn"
    assert page.locator("#share-location").count() == 0


def test_gs1_digital_link_with_the_products_gtin(open_page, site, code):
    """/01/<gtin14>/21/<code> serves the same page."""
    page, response = open_page(f"{site.base}/01/0{GTIN}/21/{code.replace('-', '')}")
    assert response.status == 200
    assert verdict(page) == "Genuine product"


def test_gs1_digital_link_with_another_gtin(open_page, site, code):
    """A valid GTIN that is not the product's: not genuine."""
    page, response = open_page(f"{site.base}/01/00000000000017/21/{code.replace('-', '')}")
    assert response.status == 404
    assert verdict(page) == "Not genuine"


def test_shared_location_can_reveal_a_clone(open_page, site, code, rt):
    """A scan in Sydney a minute ago, then a phone in Paris shares its location: possible counterfeit."""
    site.api.get("/api/method/doctypes.auth_code.api.verify_code", params={"code": code, **SYDNEY}).raise_for_status()
    backdate_scans(rt, dt.timedelta(minutes=1))
    page, _ = open_page(f"{site.base}/v/{code}", geolocation=PARIS, permissions=["geolocation"])
    assert verdict(page) == "Genuine, verified before"
    page.click("#share-location")
    # A selector rather than a JS predicate: the page's CSP forbids eval.
    page.locator("#verdict[data-status=suspicious]").wait_for()
    assert verdict(page) == "Possible counterfeit"
    assert "km apart" in page.locator("#verdict p").inner_text()


def test_mobile_layout_fits_the_screen(open_page, site, code, tmp_path):
    """No horizontal scroll at 390 px; the screenshot is a PNG."""
    page, _ = open_page(f"{site.base}/v/{code}", viewport={"width": 390, "height": 844}, is_mobile=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot = tmp_path / "verify.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
