"""The stock moves' serial numbers as a form's text (serial_numbers_text, one a line), as the
dashboard's forms post them: a form cannot post a list from one textarea."""

from __future__ import annotations

import pytest

from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture
def post(client, workspace):
    headers = key_headers(workspace)

    def send(method: str, expect: int = 200, **form: str):
        response = client.post(API + method, data=form, headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    send("item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    send("warehouse.api.create_warehouse", code="WH1", name="Main", bins_text="A1")
    yield send
    assert differences() == []


def test_serial_numbers_one_a_line_through_receive_issue_transfer_and_adjust(post):
    moved = post("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers_text="S-1\r\n\r\n  S-2  \nS-3\n")
    assert moved["message"]["quantity"] == 3
    post("stock.api.issue", item="BIKE", warehouse="WH1", serial_numbers_text="S-1")
    post("stock.api.transfer", item="BIKE", from_warehouse="WH1", to_warehouse="WH1", to_bin="A1",
         serial_numbers_text="S-2")
    post("stock.api.adjust", item="BIKE", warehouse="WH1", change="-1", serial_numbers_text="S-3", reason="lost")
    post("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers_text="S-4")
    refused = post("stock.api.issue", 417, item="BIKE", warehouse="WH1", serial_numbers_text="S-2")
    assert "S-2" in str(refused["field_errors"]["serial_numbers"])  # not in WH1/MAIN: it went to A1


@pytest.mark.parametrize("form,field,says", [
    ({"serial_numbers_text": "A", "serial_numbers": "B"}, "serial_numbers", "or"),
    ({"serial_numbers_text": " \n\n"}, "serial_numbers_text", "one a line"),
    ({"serial_numbers_text": "ok\n" + "x" * 101}, "serial_numbers_text", "Line 2:"),
    ({"serial_numbers_text": "\n".join(f"S{i}" for i in range(1001))}, "serial_numbers_text", "1,000"),
])
def test_serial_numbers_text_bad_inputs(post, form, field, says):
    errors = post("stock.api.receive", 417, item="BIKE", warehouse="WH1", **form)["field_errors"]
    assert field in errors and says in str(errors[field]), errors
