"""Racko's stock (seeds/002): GET /v2/stock and /v2/items/{item}/stock, POST /v2/transfers and
/v2/adjustments; a shortfall is 400 invalid_request, an inactive item 403 inactive; every
answer as the OpenAPI document says; tenancy and the sandbox."""

from __future__ import annotations

import pytest

from tests.support.racko import Racko, racko_headers


@pytest.fixture
def racko(client, workspace) -> Racko:
    racko = Racko(client, client.get("/api/openapi.json").json(), racko_headers(workspace))
    stock_up(racko)
    return racko


def stock_up(racko: Racko) -> None:
    """Two warehouses and 10 bolts in AMS, brought in as Racko's clients can: an adjustment."""
    racko.call("POST", "/v2/items", 201, json={"sku": "BOLT", "name": "Bolt"})
    for code in ("AMS", "BER"):
        racko.call("POST", "/v2/warehouses", 201, json={"code": code, "name": code, "bins": ["A-01"]})
    racko.call("POST", "/v2/adjustments", 201, json={"item": "BOLT", "warehouse": "AMS", "change": 10,
                                                     "reason": "opening stock"})


def test_levels_transfers_and_adjustments(racko):
    stock = racko.call("GET", "/v2/stock", 200, params={"item": "bolt"})
    assert stock["quantity"] == 10 and stock["levels"] == [{"warehouse": "AMS", "bin": "MAIN", "batch": None,
                                                            "quantity": 10}]
    moved = racko.call("POST", "/v2/transfers", 201, json={
        "item": "BOLT", "from_warehouse": "AMS", "to_warehouse": "BER", "to_bin": "A-01", "quantity": 4,
        "reference": "T-1"})
    assert moved["kind"] == "transfer" and moved["quantity"] == 4
    lost = racko.call("POST", "/v2/adjustments", 201, json={"item": "BOLT", "warehouse": "BER", "bin": "A-01",
                                                            "change": -1, "reason": "damaged"})
    assert lost["kind"] == "adjustment" and lost["level_after"] == 3
    per_item = racko.call("GET", "/v2/items/BOLT/stock", 200)
    assert per_item["quantity"] == 9 and {(row["warehouse"], row["quantity"]) for row in per_item["levels"]} == {
        ("AMS", 6), ("BER", 3)}
    in_ber = racko.call("GET", "/v2/items/BOLT/stock", 200, params={"warehouse": "BER"})["levels"]
    assert [(level["warehouse"], level["bin"], level["quantity"]) for level in in_ber] == [("BER", "A-01", 3)]


def test_a_shortfall_is_400_invalid_request_and_moves_nothing(racko):
    short = racko.call("POST", "/v2/transfers", 400, json={
        "item": "BOLT", "from_warehouse": "AMS", "to_warehouse": "BER", "quantity": 11})
    assert short["code"] == "invalid_request" and "Not enough BOLT" in short["description"]
    assert racko.call("POST", "/v2/adjustments", 400, json={
        "item": "BOLT", "warehouse": "AMS", "change": -11})["code"] == "invalid_request"
    assert racko.call("GET", "/v2/stock", 200, params={"item": "BOLT"})["quantity"] == 10


def test_bad_inputs_absences_and_inactive(racko):
    assert racko.call("GET", "/v2/stock", 400)["field_errors"]["item"]  # which item?
    assert racko.call("POST", "/v2/transfers", 400, json={"item": "BOLT"})["code"] == "invalid_request"
    for change in (0, "lots", 10**40, 0.0001):
        assert racko.call("POST", "/v2/adjustments", 400, json={
            "item": "BOLT", "warehouse": "AMS", "change": change})["code"] == "invalid_request"
    assert racko.call("POST", "/v2/transfers", 400, json={
        "item": "BOLT", "from_warehouse": "AMS", "to_warehouse": "AMS", "quantity": 1})["code"] == "invalid_request"
    assert racko.call("GET", "/v2/stock", 404, params={"item": "NOPE"})["code"] == "no_content"
    assert racko.call("GET", "/v2/items/NOPE/stock", 404)["code"] == "no_content"
    assert racko.call("POST", "/v2/transfers", 404, json={
        "item": "BOLT", "from_warehouse": "AMS", "to_warehouse": "NOPE", "quantity": 1})["code"] == "no_content"
    racko.call("PUT", "/v2/items/BOLT", 200, json={"active": False})
    inactive = racko.call("POST", "/v2/adjustments", 403, json={"item": "BOLT", "warehouse": "AMS", "change": 1})
    assert inactive["code"] == "inactive" and inactive["description"] == "Item is inactive"
    assert racko.client.get("/v2/transfers", headers=racko.headers).status_code == 405


def test_tenancy_and_the_sandbox(racko, make_workspace, workspace):
    other = racko.as_(racko_headers(make_workspace("other")))
    assert other.call("GET", "/v2/stock", 404, params={"item": "BOLT"})["code"] == "no_content"
    assert other.call("POST", "/v2/transfers", 404, json={
        "item": "BOLT", "from_warehouse": "AMS", "to_warehouse": "BER", "quantity": 1})["code"] == "no_content"
    sandbox = racko.as_(racko_headers(workspace, "sandbox"))
    assert sandbox.call("GET", "/v2/items/BOLT/stock", 404)["code"] == "no_content"
    assert sandbox.call("POST", "/v2/adjustments", 404, json={
        "item": "BOLT", "warehouse": "AMS", "change": 5})["code"] == "no_content"
    stock_up(sandbox)  # the sandbox's own twin
    sandbox.call("POST", "/v2/adjustments", 201, json={"item": "BOLT", "warehouse": "AMS", "change": 5})
    assert sandbox.call("GET", "/v2/stock", 200, params={"item": "BOLT"})["quantity"] == 15
    assert racko.call("GET", "/v2/stock", 200, params={"item": "BOLT"})["quantity"] == 10
