"""Serial numbers: bulk add, look-up, a random unregistered one, voiding; tenancy and sandbox."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.serial_number.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def add(client, headers, *entries):
    return client.post(API + "add_serial_numbers", json={"serial_numbers": list(entries)}, headers=headers)


def test_add_many_and_report_existing(client, headers):
    client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Drill"}, headers=headers)
    first = add(client, headers, {"serial_number": "SN-1", "product_id": "PRD-00001", "customer_tags": "vip, retail"},
                {"serial_number": "SN-2"}).json()["message"]
    assert first == {"added": 2, "existing": [], "repeated": []}
    again = add(client, headers, {"serial_number": "SN-2"}, {"serial_number": "SN-3"}, {"serial_number": "SN-3"})
    assert again.json()["message"] == {"added": 1, "existing": ["SN-2"], "repeated": ["SN-3"]}
    got = client.get(API + "get_serial_number", params={"serial_number": "SN-1"}, headers=headers).json()["message"]
    assert (got["status"], got["customer_tags"], got["warranty"]) == ("unregistered", ["vip", "retail"], None)
    assert got["product_id"] is not None


def test_ten_thousand_in_one_call(client, headers):
    entries = [{"serial_number": f"BULK-{i:05d}"} for i in range(10_000)]
    assert add(client, headers, *entries).json()["message"]["added"] == 10_000
    assert add(client, headers, {"serial_number": "x"} ).status_code == 200
    too_many = add(client, headers, *entries, {"serial_number": "one-more"})
    assert too_many.status_code == 417 and "serial_numbers" in too_many.json()["field_errors"]


@pytest.mark.parametrize(
    "body,field",
    [({}, "serial_numbers"), ({"serial_numbers": []}, "serial_numbers"),
     ({"serial_numbers": [{"serial_number": ""}]}, "serial_numbers"),
     ({"serial_numbers": [{"serial_number": "x" * 101}]}, "serial_numbers"),
     ({"serial_numbers": [{"serial_number": "A", "product_id": "nope"}]}, "product_id"),
     ({"serial_numbers": [{"serial_number": "A", "colour": "red"}]}, "serial_numbers"),
     ({"serial_numbers": "SN-1"}, "serial_numbers")],
)
def test_add_bad_inputs(client, headers, body, field):
    response = client.post(API + "add_serial_numbers", json=body, headers=headers)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_unknown_serial_is_404(client, headers):
    response = client.get(API + "get_serial_number", params={"serial_number": "nope"}, headers=headers)
    assert response.status_code == 404 and response.json()["error_code"] == "no_content"
    assert client.get(API + "get_serial_number", headers=headers).status_code == 417


def test_random_unregistered(client, headers):
    assert client.get(API + "get_unregistered_serial_number", headers=headers).status_code == 404
    add(client, headers, {"serial_number": "R-1"}, {"serial_number": "R-2"})
    seen = {client.get(API + "get_unregistered_serial_number", headers=headers).json()["message"]["serial_number"]
            for _ in range(30)}
    assert seen == {"R-1", "R-2"}
    client.post("/api/method/doctypes.warranty.api.activate_warranty", headers=headers,
                json={"serial_number": "R-1", "customer_name": "Ann", "customer_email": "ann@example.com"})
    assert client.get(API + "get_unregistered_serial_number", headers=headers).json()["message"]["serial_number"] == "R-2"
    bad = client.get(API + "get_unregistered_serial_number", params={"product_id": "nope"}, headers=headers)
    assert bad.status_code == 417


def test_void_serial(client, headers):
    add(client, headers, {"serial_number": "V-1"})
    voided = client.post(API + "void_serial_number", json={"serial_number": "V-1", "reason": "stolen"}, headers=headers)
    assert voided.json()["message"]["status"] == "void"
    assert client.post(API + "void_serial_number", json={"serial_number": "nope"}, headers=headers).status_code == 404


def test_tenancy_and_sandbox(client, workspace, make_workspace):
    add(client, key_headers(workspace), {"serial_number": "T-1"})
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(API + "get_serial_number", params={"serial_number": "T-1"}, headers=other).status_code == 404
        assert client.get(API + "get_unregistered_serial_number", headers=other).status_code == 404
        assert add(client, other, {"serial_number": "T-1"}).json()["message"]["added"] == 1
