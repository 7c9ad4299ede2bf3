"""Racko's items at /v2/items (seeds/002): bare JSON, limit/offset, Racko's statuses and codes,
every answer as the OpenAPI document says; tenancy and the sandbox."""

from __future__ import annotations

import json

import pytest

from doctypes.plan.model import Plan
from tests.support.helpers import call, key_headers
from tests.support.racko import Racko, racko_headers
from traciqo_rpc.untrusted import MAX_JSON_DEPTH


@pytest.fixture
def racko(client, workspace) -> Racko:
    return Racko(client, client.get("/api/openapi.json").json(), racko_headers(workspace))


def new_item(racko: Racko, sku: str = "BOLT-M6", **more) -> dict:
    return racko.call("POST", "/v2/items", 201, json={"sku": sku, "name": f"Item {sku}", **more})


def test_create_read_list_and_change(racko):
    made = new_item(racko, attributes={"colour": "blue"}, reorder_level=2.5)
    assert made["sku"] == "BOLT-M6" and made["attributes"] == {"colour": "blue"} and made["reorder_level"] == 2.5
    assert "message" not in made and "data" not in made  # bare, as Racko answers
    assert racko.call("GET", f"/v2/items/{made['id']}", 200) == made
    assert racko.call("GET", "/v2/items/bolt-m6", 200) == made  # by SKU, any case
    for sku in ("A-1", "A-2", "A-3"):
        new_item(racko, sku)
    page = racko.call("GET", "/v2/items", 200, params={"limit": 2, "offset": 1})
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    assert [item["sku"] for item in page["data"]] == ["A-2", "A-3"]
    assert racko.call("GET", "/v2/items", 200, params={"search": "bolt"})["total"] == 1
    changed = racko.call("PUT", "/v2/items/BOLT-M6", 200, json={"name": "Bolt M6 x 20", "active": False})
    assert changed["name"] == "Bolt M6 x 20" and changed["active"] is False and changed["id"] == made["id"]
    assert racko.call("GET", "/v2/items/", 200)["total"] == 4  # a trailing slash is the same route


def test_what_a_request_gets_wrong_is_400_invalid_request(racko):
    missing = racko.call("POST", "/v2/items", 400, json={"sku": "X"})
    assert missing["code"] == "invalid_request" and "name" in missing["field_errors"] and missing["description"]
    assert racko.call("POST", "/v2/items", 400, json={"sku": "bad sku!", "name": "x"})["field_errors"]["sku"]
    assert racko.call("POST", "/v2/items", 400, json={"sku": "X", "name": "x", "reorder_level": 10**30})["field_errors"]
    assert racko.call("POST", "/v2/items", 400, json={"sku": "X", "name": "x", "colour": "red"})["field_errors"]
    assert racko.call("POST", "/v2/items", 400, content=b"{not json",
                      headers={"Content-Type": "application/json"})["code"] == "invalid_request"
    deep = "[" * (MAX_JSON_DEPTH + 5) + "]" * (MAX_JSON_DEPTH + 5)
    assert racko.call("POST", "/v2/items", 400, content=f'{{"sku": "X", "name": {deep}}}'.encode(),
                      headers={"Content-Type": "application/json"})["code"] == "invalid_request"
    assert racko.call("POST", "/v2/items", 400, json={"sku": "X", "name": "\u202e\U0001f600" * 200})["field_errors"]
    for params in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"limit": "many"}):
        assert racko.call("GET", "/v2/items", 400, params=params)["code"] == "invalid_request"
    new_item(racko, "SAME")
    assert racko.call("PUT", "/v2/items/SAME", 400, json={})["code"] == "invalid_request"  # nothing to change
    body = json.dumps({"sku": "BIG", "name": "x" * 2_000_000}).encode()
    assert racko.call("POST", "/v2/items", 400, content=body,
                      headers={"Content-Type": "application/json"})["code"] == "invalid_request"  # our 413


def test_duplicates_absences_verbs(racko):
    new_item(racko, "BOLT-M6")
    duplicated = racko.call("POST", "/v2/items", 409, json={"sku": "bolt-m6", "name": "Again"})
    assert duplicated["code"] == "duplicated" and "BOLT-M6" in duplicated["description"]
    absent = racko.call("GET", "/v2/items/NOPE", 404)
    assert absent["code"] == "no_content"
    assert racko.call("PUT", "/v2/items/NOPE", 404, json={"name": "x"})["code"] == "no_content"
    assert racko.client.delete("/v2/items/BOLT-M6", headers=racko.headers).status_code == 405
    unknown = racko.client.get("/v2/nothing-here", headers=racko.headers)
    assert unknown.status_code == 404


def test_credentials_and_rights(racko, client, rt, workspace):
    assert racko.as_({}).call("GET", "/v2/items", 403)["code"] == "no_permission"  # no key at all
    bad = racko.as_({"RACKO-API-KEY": "tq_live_nope", "RACKO-SECRET": "nope"}).call("GET", "/v2/items", 401)
    assert bad == {"code": "invalid_token", "description": "Invalid API key or secret"}
    reader = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=key_headers(workspace),
                         json={"name": "reader", "scopes": ["read"]}).json()["message"]
    read_only = racko.as_({"RACKO-API-KEY": reader["api_key"], "RACKO-SECRET": reader["api_secret"]})
    assert read_only.call("GET", "/v2/items", 200)["total"] == 0
    refused = read_only.call("POST", "/v2/items", 403, json={"sku": "X", "name": "x"})
    assert refused["code"] == "no_permission"
    from doctypes.workspace.service import set_status

    call(rt, lambda ctx: set_status(ctx, "acme", frozen=True))
    assert racko.call("GET", "/v2/items", 403)["code"] == "inactive"


def test_rate_limit_is_429_rate_limit(client, rt, make_workspace):
    call(rt, lambda ctx: Plan.create(name="tiny", title="Tiny", api_access=True, code_limit=10, rate_limit_per_minute=2))
    limited = Racko(client, client.get("/api/openapi.json").json(), racko_headers(make_workspace("tiny-ws", "tiny")))
    limited.call("GET", "/v2/items", 200)
    limited.call("GET", "/v2/items", 200)
    refused = limited.call("GET", "/v2/items", 429)
    assert refused["code"] == "rate_limit"


def test_tenancy_and_the_sandbox(racko, client, make_workspace, workspace):
    made = new_item(racko, "LIVE-1")
    other = racko.as_(racko_headers(make_workspace("other")))
    assert other.call("GET", f"/v2/items/{made['id']}", 404)["code"] == "no_content"
    assert other.call("GET", "/v2/items", 200)["total"] == 0
    assert other.call("PUT", "/v2/items/LIVE-1", 404, json={"name": "mine"})["code"] == "no_content"
    other.call("POST", "/v2/items", 201, json={"sku": "LIVE-1", "name": "Theirs"})  # SKUs are per workspace

    sandbox = racko.as_(racko_headers(workspace, "sandbox"))
    assert sandbox.call("GET", "/v2/items", 200)["total"] == 0
    test_item = sandbox.call("POST", "/v2/items", 201, json={"sku": "TEST-1", "name": "Test"})
    assert racko.call("GET", f"/v2/items/{test_item['id']}", 404)["code"] == "no_content"
    forced = racko.as_({**racko.headers, "X-Traciqo-Sandbox": "true"})
    assert [item["sku"] for item in forced.call("GET", "/v2/items", 200)["data"]] == ["TEST-1"]
    assert sandbox.call("PUT", "/v2/items/LIVE-1", 404, json={"name": "x"})["code"] == "no_content"
    assert racko.call("GET", "/v2/items/LIVE-1", 200)["name"] == "Item LIVE-1"
