"""Printable label sheets: every QR decodes from a 300 dpi rasterisation of the PDF, for each layout."""

from __future__ import annotations

import csv
import io

import pytest

from doctypes.auth_code.labels import LAYOUTS, MAX_LABELS
from tests.support.helpers import key_headers

zxingcpp = pytest.importorskip("zxingcpp", reason="the zxing-cpp package is not installed")
pdfium = pytest.importorskip("pypdfium2", reason="the pypdfium2 package is not installed")

API = "/api/method/doctypes.auth_code.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def make_batch(client, headers, name: str, quantity: int) -> list[dict]:
    client.post(API + "create_code", json={"batch_name": name, "quantity": quantity}, headers=headers).raise_for_status()
    exported = client.get(API + "export_batch", params={"batch": name}, headers=headers)
    return list(csv.DictReader(io.StringIO(exported.text)))


def decoded(pdf: bytes) -> tuple[int, list[str]]:
    """(pages, every QR's text) of the PDF rendered at 300 dpi."""
    document = pdfium.PdfDocument(pdf)
    found = []
    for page in document:
        image = page.render(scale=300 / 72).to_pil()
        found += [barcode.text for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    return len(document), found


def sheet(client, headers, **params):
    response = client.get(API + "label_sheet", params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_qr_decodes_at_300_dpi(client, headers, layout):
    rows = make_batch(client, headers, "Spring run", LAYOUTS[layout].per_sheet + 2)  # a second sheet too
    response = sheet(client, headers, batch="Spring run", layout=layout)
    assert response.headers["content-disposition"].startswith(f'attachment; filename="labels-spring-run-{layout}.pdf"')
    pages, texts = decoded(response.content)
    assert pages == 2
    assert sorted(texts) == sorted(row["verification_url"] for row in rows)


def test_the_readable_code_is_printed_beside_its_qr(client, headers):
    rows = make_batch(client, headers, "Text", 3)
    document = pdfium.PdfDocument(sheet(client, headers, batch="Text", layout="avery-l7163").content)
    text = document[0].get_textpage().get_text_range()
    for row in rows:
        assert row["display"] in text.replace("\r", "").replace("\n", "")


def test_void_codes_are_left_out_and_offset_prints_the_rest(client, headers):
    rows = make_batch(client, headers, "Void", 5)
    client.post(API + "void_code", json={"code": rows[0]["code"], "reason": "misprint"}, headers=headers).raise_for_status()
    _, texts = decoded(sheet(client, headers, batch="Void").content)
    assert sorted(texts) == sorted(row["verification_url"] for row in rows[1:])
    _, rest = decoded(sheet(client, headers, batch="Void", offset=3).content)
    assert len(rest) == 1


def test_a_sheet_stops_at_its_maximum(client, headers):
    make_batch(client, headers, "Big", MAX_LABELS + 5)
    document = pdfium.PdfDocument(sheet(client, headers, batch="Big", layout="avery-l7651").content)
    assert len(document) == -(-MAX_LABELS // LAYOUTS["avery-l7651"].per_sheet)


@pytest.mark.parametrize("params, field", [({"batch": "X", "layout": "avery-9999"}, "layout"),
                                           ({"batch": "X", "offset": "-1"}, "offset"), ({}, "batch")])
def test_label_sheet_bad_inputs(client, headers, params, field):
    response = client.get(API + "label_sheet", params=params, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_another_workspaces_or_environments_batch_is_404(client, headers, workspace, make_workspace):
    make_batch(client, headers, "Mine", 1)
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        assert client.get(API + "label_sheet", params={"batch": "Mine"}, headers=other).status_code == 404
