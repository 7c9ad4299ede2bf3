"""QR labels decode back to the verification URL; repeated requests are served from the cache."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from doctypes.auth_code import codes, qr
from tests.support.helpers import issue_code, key_headers

zxingcpp = pytest.importorskip("zxingcpp", reason="the zxing-cpp package is not installed")

QR = "/api/method/doctypes.auth_code.api.get_qr"
GTIN = "4006381333931"


def decode(png: bytes) -> str:
    """The text of the one QR code in a PNG."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0].text


def width(png: bytes) -> int:
    return Image.open(io.BytesIO(png)).size[0]


@pytest.fixture
def headers(workspace) -> dict[str, str]:
    return key_headers(workspace)


@pytest.fixture
def code(client, headers) -> str:
    """A live code for a product without a GTIN."""
    return issue_code(client, headers, name="Vase")


def get_qr(client, headers, **params):
    return client.get(QR, params=params, headers=headers)


def test_png_holds_the_verification_url(client, headers, code):
    """Default: a PNG of about 300 px holding base_url/v/<normalised code>."""
    response = get_qr(client, headers, code=code)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"].startswith("private")
    assert decode(response.content) == f"http://testserver/v/{code.replace('-', '')}"
    assert 200 < width(response.content) <= 300


def test_gtin_product_gets_gs1_digital_link(client, headers):
    """A product with a GTIN: /01/<gtin14>/21/<code>."""
    code = issue_code(client, headers, name="Chess Set", gtin=GTIN)
    response = get_qr(client, headers, code=code)
    assert decode(response.content) == f"http://testserver/01/0{GTIN}/21/{code.replace('-', '')}"


def test_size_scales_the_image(client, headers, code):
    """`size` sets the width, roughly proportionally (whole pixels per module)."""
    small = width(get_qr(client, headers, code=code, size=200).content)
    large = width(get_qr(client, headers, code=code, size=800).content)
    assert 150 < small <= 200 and 700 < large <= 800
    assert 3 < large / small < 5


def test_large_png_still_decodes(client, headers, code):
    response = get_qr(client, headers, code=code, size=1024)
    assert decode(response.content) == f"http://testserver/v/{code.replace('-', '')}"


def test_svg_is_xml_with_a_path(client, headers, code):
    response = get_qr(client, headers, code=code, format="svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    assert any(element.tag.endswith("path") for element in root.iter())


@pytest.mark.parametrize("params", [{"format": "gif"}, {"size": 10}, {"size": 5000}, {"colour": "red"}],
                         ids=["gif", "too-small", "too-large", "unknown-argument"])
def test_bad_arguments_are_refused(client, headers, code, params):
    response = get_qr(client, headers, code=code, **params)
    assert response.status_code == 417
    assert response.json()["error_code"] == "validation_error"


def test_missing_code_is_refused(client, headers):
    assert get_qr(client, headers).status_code == 417


def test_unknown_code_is_404(client, headers, code):
    assert get_qr(client, headers, code=codes.display(codes.generate("ACME"))).status_code == 404


def test_sandbox_key_cannot_get_a_live_code(client, workspace, code):
    assert get_qr(client, key_headers(workspace, "sandbox"), code=code).status_code == 404


def test_another_workspace_cannot_get_it(client, make_workspace, code):
    assert get_qr(client, key_headers(make_workspace("other")), code=code).status_code == 404


def test_no_credentials_is_403(client, code):
    assert client.get(QR, params={"code": code}).status_code == 403


def test_repeat_requests_are_served_from_the_cache(client, headers, code):
    """The second identical request is a cache hit: qrcode is not called again, the bytes are the same."""
    first = get_qr(client, headers, code=code, size=333)
    before = qr.render.cache_info()
    second = get_qr(client, headers, code=code, size=333)
    after = qr.render.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
    assert second.content == first.content
