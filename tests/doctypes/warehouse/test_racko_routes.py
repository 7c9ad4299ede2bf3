"""Racko's warehouses at /v2/warehouses (seeds/002): warehouses and their bins, bare JSON,
limit/offset, Racko's statuses, as the OpenAPI document says; tenancy and the sandbox."""

from __future__ import annotations

import pytest

from tests.support.racko import Racko, racko_headers


@pytest.fixture
def racko(client, workspace) -> Racko:
    return Racko(client, client.get("/api/openapi.json").json(), racko_headers(workspace))


def new_warehouse(racko: Racko, code: str = "MAIN-WH", **more) -> dict:
    return racko.call("POST", "/v2/warehouses", 201, json={"code": code, "name": f"Warehouse {code}", **more})


def test_warehouses_and_bins(racko):
    made = new_warehouse(racko, "ams", address="Dam 1", bins=["A-01", "a-02"])
    assert made["code"] == "AMS" and [b["code"] for b in made["bins"]] == ["A-01", "A-02", "MAIN"]
    assert racko.call("GET", f"/v2/warehouses/{made['id']}", 200) == racko.call("GET", "/v2/warehouses/ams", 200)
    new_warehouse(racko, "BER")
    page = racko.call("GET", "/v2/warehouses", 200, params={"limit": 1, "offset": 1})
    assert (page["total"], [w["code"] for w in page["data"]]) == (2, ["BER"])
    added = racko.call("POST", "/v2/warehouses/AMS/bins", 201, json={"bin": "b-07", "name": "Shelf 7"})
    assert added["code"] == "B-07"
    bins = racko.call("GET", "/v2/warehouses/AMS/bins", 200, params={"limit": 2})
    assert bins["total"] == 4 and [b["code"] for b in bins["data"]] == ["A-01", "A-02"]


def test_bad_inputs_duplicates_and_absences(racko):
    new_warehouse(racko, "AMS")
    missing = racko.call("POST", "/v2/warehouses", 400, json={"code": "X"})
    assert missing["code"] == "invalid_request" and "name" in missing["field_errors"]
    assert racko.call("POST", "/v2/warehouses", 400, json={"code": "no spaces", "name": "x"})["field_errors"]
    assert racko.call("POST", "/v2/warehouses", 400, json={"code": "X", "name": "x", "bins": ["ok"] * 10_000})["code"] \
        == "invalid_request"
    assert racko.call("POST", "/v2/warehouses", 409, json={"code": "ams", "name": "Again"})["code"] == "duplicated"
    assert racko.call("POST", "/v2/warehouses/AMS/bins", 409, json={"bin": "MAIN"})["code"] == "duplicated"
    assert racko.call("GET", "/v2/warehouses/NOPE", 404)["code"] == "no_content"
    assert racko.call("GET", "/v2/warehouses/NOPE/bins", 404)["code"] == "no_content"
    assert racko.call("POST", "/v2/warehouses/NOPE/bins", 404, json={"bin": "X"})["code"] == "no_content"
    assert racko.call("GET", "/v2/warehouses", 400, params={"limit": 10_000})["code"] == "invalid_request"
    assert racko.client.put("/v2/warehouses/AMS", headers=racko.headers, json={}).status_code == 405


def test_tenancy_and_the_sandbox(racko, make_workspace, workspace):
    made = new_warehouse(racko, "AMS")
    other = racko.as_(racko_headers(make_workspace("other")))
    assert other.call("GET", f"/v2/warehouses/{made['id']}", 404)["code"] == "no_content"
    assert other.call("GET", "/v2/warehouses", 200)["total"] == 0
    assert other.call("POST", "/v2/warehouses/AMS/bins", 404, json={"bin": "X"})["code"] == "no_content"
    sandbox = racko.as_(racko_headers(workspace, "sandbox"))
    assert sandbox.call("GET", "/v2/warehouses", 200)["total"] == 0
    assert sandbox.call("GET", "/v2/warehouses/AMS/bins", 404)["code"] == "no_content"
    sandbox.call("POST", "/v2/warehouses", 201, json={"code": "AMS", "name": "Test twin"})
    assert racko.call("GET", "/v2/warehouses/AMS", 200)["name"] == "Warehouse AMS"
