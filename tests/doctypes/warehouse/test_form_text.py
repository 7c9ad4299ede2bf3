"""create_warehouse's bins as a form's text (bins_text, one code a line), as the dashboard's
form posts them."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.warehouse.api."


def test_bins_one_a_line_from_a_form(client, workspace):
    response = client.post(API + "create_warehouse", headers=key_headers(workspace),
                           data={"code": "wh1", "name": "Main", "bins_text": "a1\r\n\r\n  b2 \nA1\n"})
    assert response.status_code == 200, response.text
    assert [b["code"] for b in response.json()["message"]["bins"]] == ["A1", "B2", "MAIN"]


@pytest.mark.parametrize("form,field,says", [
    ({"bins_text": "A", "bins": "B"}, "bins", "or"),
    ({"bins_text": "ok\nnot a code"}, "bins_text", "Line 2:"),
    ({"bins_text": "\n".join(f"B{i}" for i in range(101))}, "bins_text", "100"),
])
def test_bins_text_bad_inputs(client, workspace, form, field, says):
    response = client.post(API + "create_warehouse", headers=key_headers(workspace),
                           data={"code": "WH1", "name": "Main", **form})
    assert response.status_code == 417, response.text
    errors = response.json()["field_errors"]
    assert field in errors and says in str(errors[field]), errors
