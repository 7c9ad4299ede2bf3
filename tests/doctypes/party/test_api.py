"""Trakor's idempotent party push, plus get and list."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.party.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def test_create_then_idempotent(client, headers):
    body = {"name": "Acme Distributors Pvt Ltd", "contact_info": "Ravi Kumar | +91 98765 43210 | ravi@acme.in"}
    first = client.post(API + "upsert_party", json=body, headers=headers).json()["message"]
    assert first["created"] is True and first["name"] == body["name"] and len(first["id"]) == 32
    again = client.post(API + "upsert_party", json=body, headers=headers).json()["message"]
    assert (again["id"], again["created"], again["updated"]) == (first["id"], False, False)
    party = client.get(API + "get_party", params={"party_id": first["id"]}, headers=headers).json()["message"]
    assert party["contact_info"] == body["contact_info"]


def test_email_is_normalised_and_searchable(client, headers):
    client.post(API + "upsert_party", json={"name": "Jane", "email": "Jane@Example.COM"}, headers=headers)
    found = client.get(API + "list_parties", params={"email": "jane@example.com"}, headers=headers).json()["message"]
    assert [p["email"] for p in found["data"]] == ["jane@example.com"]


@pytest.mark.parametrize(
    "body,field",
    [({}, "name"), ({"name": " "}, "name"), ({"name": "x" * 256}, "name"), ({"name": "A", "email": "nope"}, "email"),
     ({"name": "A", "contact_info": "x" * 2001}, "contact_info"), ({"name": "A", "vip": True}, "vip")],
)
def test_upsert_bad_inputs(client, headers, body, field):
    response = client.post(API + "upsert_party", json=body, headers=headers)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_refusals(client, headers):
    assert client.post(API + "upsert_party", json={"name": "A"}).status_code == 403
    assert client.get(API + "upsert_party", params={"name": "A"}, headers=headers).status_code == 405
    assert client.get(API + "get_party", params={"party_id": "nope"}, headers=headers).status_code == 404


def test_tenancy_and_sandbox(client, workspace, make_workspace):
    live = client.post(API + "upsert_party", json={"name": "Shop"}, headers=key_headers(workspace)).json()["message"]
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(API + "get_party", params={"party_id": live["id"]}, headers=other).status_code == 404
        assert client.get(API + "list_parties", headers=other).json()["message"]["total"] == 0
        assert client.post(API + "upsert_party", json={"name": "Shop"}, headers=other).json()["message"]["created"]
