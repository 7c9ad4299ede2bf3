"""Trakor's public API (seeds/004) as its documented client code calls it: X-API-KEY, bare bodies, 400."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

PRODUCTS = "/api/public/v1/products"
PARTIES = "/api/public/v1/parties"


@pytest.fixture
def api_key(workspace):
    return {"X-API-KEY": f"{workspace['live']['api_key']}:{workspace['live']['api_secret']}",
            "Content-Type": "application/json"}


def test_products_push_is_idempotent_by_name(client, api_key):
    first = client.post(PRODUCTS, headers=api_key, json={"name": "Steel Rod 12mm", "description": "Rebar", "price": 450})
    assert first.status_code == 200
    body = first.json()
    assert body["name"] == "Steel Rod 12mm" and body["sku"] == "PRD-00001" and body["created"] is True
    again = client.post(PRODUCTS, headers=api_key, json={"name": "Steel Rod 12mm", "description": "Rebar", "price": 450})
    assert again.json() == {**body, "created": False}


def test_parties_push(client, api_key):
    body = client.post(PARTIES, headers=api_key, json={"name": "Acme Distributors", "contact_info": "+91 98765"}).json()
    assert body["created"] is True and body["name"] == "Acme Distributors" and body["id"]
    assert client.post(PARTIES, headers=api_key, json={"name": "Acme Distributors"}).json()["created"] is False


@pytest.mark.parametrize("path", [PRODUCTS, PARTIES])
def test_statuses_as_trakor_documents_them(client, api_key, workspace, path):
    assert client.post(path, headers=api_key, content=b"{not json").status_code == 400
    missing = client.post(path, headers=api_key, json={"description": "no name"})
    assert missing.status_code == 400 and "name" in missing.json()["field_errors"]
    assert client.post(path, headers=api_key, json={"name": "x" * 256}).status_code == 400
    assert client.post(path, headers={"X-API-KEY": "tq_live_nope:nope"}, json={"name": "x"}).status_code == 401
    assert client.post(path, json={"name": "x"}).status_code == 403  # no key at all: a guest
    assert client.get(path, headers=api_key).status_code == 405


def test_a_revoked_key_is_401(client, workspace):
    owner = key_headers(workspace)
    key = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=owner,
                      json={"name": "erp"}).json()["message"]
    erp = {"X-API-KEY": f"{key['api_key']}:{key['api_secret']}"}
    assert client.post(PRODUCTS, headers=erp, json={"name": "Rod"}).status_code == 200
    client.post("/api/method/doctypes.api_key.api.revoke_api_key", headers=owner, json={"api_key": key["api_key"]})
    assert client.post(PRODUCTS, headers=erp, json={"name": "Rod"}).status_code == 401


def test_a_frozen_workspace_is_403(client, rt, workspace, api_key):
    from doctypes.workspace.service import set_status
    from tests.support.helpers import call

    call(rt, lambda ctx: set_status(ctx, "acme", frozen=True))
    assert client.post(PRODUCTS, headers=api_key, json={"name": "Rod"}).status_code == 403


def test_sandbox_keys_push_into_the_sandbox(client, workspace):
    sandbox = {"X-API-KEY": f"{workspace['sandbox']['api_key']}:{workspace['sandbox']['api_secret']}"}
    assert client.post(PRODUCTS, headers=sandbox, json={"name": "Test rod"}).json()["created"] is True
    live = client.get("/api/method/doctypes.product.api.list_products", headers=key_headers(workspace)).json()
    assert live["message"]["total"] == 0
