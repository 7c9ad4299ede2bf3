"""QR labels decode back to the verification URL; repeated requests are served from the cache."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from doctypes.auth_code import qr
from tests.support.helpers import issue_code, key_headers

zxingcpp = pytest.importorskip("zxingcpp", reason="the zxing-cpp package is not installed")
QR = "/api/method/doctypes.auth_code.api.get_qr"


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def test_png_holds_the_verification_url(client, headers):
    response = client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": "Q"}, headers=headers)
    code = response.json()["message"]["codes"][0]
    image = client.get(QR, params={"code": code}, headers=headers)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert "max-age" in image.headers["cache-control"]
    assert decode(image.content) == f"http://testserver/v/{code.replace('-', '')}"


def test_gtin_products_get_gs1_digital_link(client, headers):
    code = issue_code(client, headers, name="Vase", gtin="4006381333931")
    image = client.get(QR, params={"code": code}, headers=headers)
    assert decode(image.content) == f"http://testserver/01/04006381333931/21/{code.replace('-', '')}"


def test_size_changes_the_pixels(client, headers):
    code = issue_code(client, headers, name="Vase")
    small = Image.open(io.BytesIO(client.get(QR, params={"code": code, "size": 100}, headers=headers).content))
    large = Image.open(io.BytesIO(client.get(QR, params={"code": code, "size": 800}, headers=headers).content))
    assert small.size[0] <= 100 < 600 < large.size[0] <= 800


def test_svg(client, headers):
    code = issue_code(client, headers, name="Vase")
    response = client.get(QR, params={"code": code, "format": "svg"}, headers=headers)
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert any(el.tag.endswith("path") for el in root.iter())


def test_repeat_requests_are_not_rendered_again(client, headers):
    code = issue_code(client, headers, name="Vase")
    first = client.get(QR, params={"code": code, "size": 333}, headers=headers)
    hits = qr.render.cache_info().hits
    second = client.get(QR, params={"code": code, "size": 333}, headers=headers)
    assert qr.render.cache_info().hits == hits + 1
    assert first.content == second.content


@pytest.mark.parametrize("params,status", [
    ({"format": "gif"}, 417), ({"size": 10}, 417), ({"size": 5000}, 417), ({}, 417), ({"extra": 1}, 417),
])
def test_bad_inputs(client, headers, params, status):
    code = issue_code(client, headers, name="Vase")
    args = {"code": code, **params} if params else {}
    assert client.get(QR, params=args, headers=headers).status_code == status


def test_other_workspaces_and_sandbox_cannot_get_it(client, workspace, make_workspace):
    code = issue_code(client, key_headers(workspace), name="Vase")
    assert client.get(QR, params={"code": "ACME-0000-0000-0000-0000"}, headers=key_headers(workspace)).status_code == 404
    assert client.get(QR, params={"code": code}, headers=key_headers(workspace, "sandbox")).status_code == 404
    assert client.get(QR, params={"code": code}, headers=key_headers(make_workspace("other"))).status_code == 404
    assert client.get(QR, params={"code": code}).status_code == 403
