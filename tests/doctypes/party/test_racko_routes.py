"""Racko's customers and vendors at /v2/customers and /v2/vendors (seeds/002): parties with
that role; one party may be both; Racko's statuses; tenancy and the sandbox."""

from __future__ import annotations

import pytest

from tests.support.racko import Racko, racko_headers


@pytest.fixture
def racko(client, workspace) -> Racko:
    return Racko(client, client.get("/api/openapi.json").json(), racko_headers(workspace))


def test_customers_and_vendors_are_parties_with_that_role(racko, client, workspace):
    made = racko.call("POST", "/v2/customers", 200, json={"name": "Acme Retail", "email": "Buy@Acme.example"})
    assert made["created"] is True and made["name"] == "Acme Retail"
    racko.call("POST", "/v2/customers", 200, json={"name": "Bolt Shop"})
    supplier = racko.call("POST", "/v2/vendors", 200, json={"name": "Acme Retail", "phone": "+31 20 1"})
    assert supplier["created"] is False and supplier["id"] == made["id"]  # the same party, now a vendor too
    racko.call("POST", "/v2/vendors", 200, json={"name": "Steel Works"})
    customers = racko.call("GET", "/v2/customers", 200)
    assert [p["name"] for p in customers["data"]] == ["Acme Retail", "Bolt Shop"]
    assert customers["data"][0]["roles"] == ["customer", "vendor"] and customers["data"][1]["roles"] == ["customer"]
    vendors = racko.call("GET", "/v2/vendors", 200, params={"limit": 1, "offset": 1})
    assert (vendors["total"], [p["name"] for p in vendors["data"]]) == (2, ["Steel Works"])
    assert racko.call("GET", "/v2/customers", 200, params={"name": "bolt"})["total"] == 1
    # The route's role wins over one sent.
    assert racko.call("GET", "/v2/vendors", 200, params={"role": "customer"})["total"] == 2


def test_bad_inputs(racko):
    missing = racko.call("POST", "/v2/customers", 400, json={"email": "a@b.example"})
    assert missing["code"] == "invalid_request" and "name" in missing["field_errors"]
    assert racko.call("POST", "/v2/vendors", 400, json={"name": "x", "email": "not an email"})["field_errors"]["email"]
    assert racko.call("POST", "/v2/vendors", 400, json={"name": "x" * 300})["code"] == "invalid_request"
    assert racko.call("GET", "/v2/customers", 400, params={"limit": 0})["code"] == "invalid_request"
    assert racko.client.delete("/v2/customers", headers=racko.headers).status_code == 405


def test_tenancy_and_the_sandbox(racko, make_workspace, workspace):
    racko.call("POST", "/v2/customers", 200, json={"name": "Acme Retail"})
    other = racko.as_(racko_headers(make_workspace("other")))
    assert other.call("GET", "/v2/customers", 200)["total"] == 0
    assert other.call("POST", "/v2/customers", 200, json={"name": "Acme Retail"})["created"] is True
    sandbox = racko.as_(racko_headers(workspace, "sandbox"))
    assert sandbox.call("GET", "/v2/customers", 200)["total"] == 0
    sandbox.call("POST", "/v2/vendors", 200, json={"name": "Test vendor"})
    assert racko.call("GET", "/v2/vendors", 200)["total"] == 0
