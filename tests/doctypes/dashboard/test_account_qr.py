"""/app/account's second factor set up: the key as text and as a QR code in inline SVG (the
page's policy allows no data: images) that decodes to the otpauth URI, read over HTTP and as
Chromium draws it."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pyotp
import pytest
from PIL import Image, ImageDraw

from tests.support.dashboard import add_person, sign_in, sign_in_page

zxingcpp = pytest.importorskip("zxingcpp", reason="the zxing-cpp package is not installed")

API = "/api/method/doctypes.user.api."
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
MODULE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def decode(image: Image.Image) -> str:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0].text


def rasterise(svg: str, scale: int = 8) -> Image.Image:
    """The QR's SVG drawn as it says: a white square of its viewBox with the path's unit squares
    black (a path of anything else fails the test rather than being drawn wrong)."""
    root = ET.fromstring(svg)
    _, _, width, height = (int(n) for n in root.get("viewBox", "").split())
    (path,) = [e for e in root.iter() if e.tag.endswith("path")]
    d = path.get("d", "")
    assert MODULE.sub("", d) == "" and path.get("fill") == "#000000"
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, right, bottom, back in (tuple(map(int, m)) for m in MODULE.findall(d)):
        assert (right, bottom, back) == (x + 1, y + 1, x)
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def test_the_set_up_key_shows_as_text_and_as_a_qr_of_the_otpauth_uri(client, ann):
    csrf = sign_in(client, "ann@example.com")
    before = client.get("/app/account").text
    assert "Set it up" in before and "<svg" not in before
    set_up = client.post(API + "set_up_second_factor", headers={"X-Frappe-CSRF-Token": csrf}).json()["message"]

    page = client.get("/app/account")
    (svg,) = SVG.findall(page.text)
    assert 'role="img"' in svg and 'aria-label="QR code of the key, for your authenticator app"' in svg
    assert "style=" not in svg and "data:" not in page.text and "<img" not in page.text  # nothing the policy blocks
    assert "img-src 'self'" in page.headers["content-security-policy"]
    assert f"<code data-value=secret>{set_up['secret']}</code>" in page.text
    assert set_up["otpauth_uri"].startswith("otpauth://totp/") and set_up["secret"] in set_up["otpauth_uri"]
    assert decode(rasterise(svg)) == set_up["otpauth_uri"]

    again = client.get("/app/account").text  # a reload shows the same key, until it is started again
    assert SVG.findall(again) == [svg]
    confirmed = client.post(API + "confirm_second_factor", headers={"X-Frappe-CSRF-Token": csrf},
                            data={"code": pyotp.TOTP(set_up["secret"]).now()})
    assert confirmed.status_code == 200, confirmed.text
    on = client.get("/app/account").text
    assert "Second factor: on" in on and "<svg" not in on and set_up["secret"] not in on


def test_chromium_draws_a_qr_that_decodes_to_the_uri(site, ann, open_page):
    page, _ = open_page(site.base + "/app/account")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/account")
    page.get_by_role("button", name="Set it up").click()
    qr = page.get_by_role("img", name="QR code of the key, for your authenticator app")
    qr.wait_for()
    uri = page.locator("code").filter(has_text="otpauth://").text_content()
    assert uri and decode(Image.open(io.BytesIO(qr.screenshot()))) == uri
    assert pyotp.parse_uri(uri).secret == page.locator("#totp [data-value=secret]").text_content()
