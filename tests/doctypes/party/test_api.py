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


def test_roles_are_a_set_that_grows_and_filters(client, headers):
    first = client.post(API + "upsert_party", json={"name": "Both Ways Ltd", "roles": ["customer"]}, headers=headers)
    assert first.json()["message"]["created"] is True
    again = client.post(API + "upsert_party", json={"name": "Both Ways Ltd", "roles": ["vendor"]}, headers=headers)
    assert again.json()["message"]["updated"] is True
    client.post(API + "upsert_party", json={"name": "Only Buys", "roles": "customer"}, headers=headers)  # a form's select
    party = client.get(API + "get_party", params={"party_id": "Both Ways Ltd"}, headers=headers).json()["message"]
    assert party["roles"] == ["customer", "vendor"]
    vendors = client.get(API + "list_parties", params={"role": "vendor"}, headers=headers).json()["message"]
    assert [p["name"] for p in vendors["data"]] == ["Both Ways Ltd"]
    customers = client.get(API + "list_parties", params={"role": "customer"}, headers=headers).json()["message"]
    assert [p["name"] for p in customers["data"]] == ["Both Ways Ltd", "Only Buys"]
    removed = client.post(API + "remove_party_role", json={"party_id": party["id"], "role": "customer"}, headers=headers)
    assert removed.json()["message"]["roles"] == ["vendor"]
    unchanged = client.post(API + "upsert_party", json={"name": "Both Ways Ltd", "roles": ["vendor"]}, headers=headers)
    assert unchanged.json()["message"]["updated"] is False


@pytest.mark.parametrize("body,field", [
    ({"name": "A", "roles": ["supplier"]}, "roles"), ({"name": "A", "roles": "customer,boss"}, "roles"),
    ({"name": "A", "roles": None}, "roles"), ({"name": "A", "roles": {"customer": True}}, "roles"),
    ({"name": "A", "roles": ["customer"] * 5000 + [7]}, "roles"),
])
def test_roles_bad_inputs(client, headers, body, field):
    response = client.post(API + "upsert_party", json=body, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_remove_role_bad_inputs(client, headers):
    assert client.post(API + "remove_party_role", json={"party_id": "nobody", "role": "vendor"},
                       headers=headers).status_code == 404
    assert client.post(API + "remove_party_role", json={"party_id": "x", "role": "boss"},
                       headers=headers).status_code == 417
    assert client.get(API + "list_parties", params={"role": "boss"}, headers=headers).status_code == 417


def test_require_party_names_the_missing_role(rt, client, headers, workspace):
    from doctypes.api_key.service import load_principal
    from doctypes.party.service import PartyNotFound, PartyRoleMissing, require_party
    from traciqo_rpc.context import RequestContext

    client.post(API + "upsert_party", json={"name": "Buyer", "roles": ["customer"]}, headers=headers)
    ctx = RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)
    assert require_party(ctx, " Buyer ", "customer").name == "Buyer"
    with pytest.raises(PartyRoleMissing, match="Buyer is not a vendor") as refused:
        require_party(ctx, "Buyer", "vendor", "vendor")
    assert refused.value.status == 417 and "vendor" in refused.value.field_errors
    with pytest.raises(PartyNotFound):
        require_party(ctx, "Nobody", "vendor", "vendor")


def test_roles_stay_in_their_workspace_and_environment(client, headers, make_workspace):
    client.post(API + "upsert_party", json={"name": "Mine", "roles": ["vendor"]}, headers=headers)
    theirs = key_headers(make_workspace("other"))
    assert client.get(API + "list_parties", params={"role": "vendor"}, headers=theirs).json()["message"]["data"] == []
    assert client.get(API + "get_party", params={"party_id": "Mine"}, headers=theirs).status_code == 404
    sandbox = {**headers, "X-Traciqo-Sandbox": "true"}
    assert client.get(API + "list_parties", params={"role": "vendor"}, headers=sandbox).json()["message"]["data"] == []
    client.post(API + "upsert_party", json={"name": "Mine", "roles": ["customer"]}, headers=sandbox)
    live = client.get(API + "get_party", params={"party_id": "Mine"}, headers=headers).json()["message"]
    assert live["roles"] == ["vendor"]


def test_a_warranty_activation_makes_a_customer(client, headers):
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers",
                json={"serial_numbers": [{"serial_number": "SN-9"}]}, headers=headers).raise_for_status()
    client.post("/api/method/doctypes.warranty.api.activate_warranty", headers=headers, json={
        "serial_number": "SN-9", "customer_name": "Jane", "customer_email": "jane@example.com"}).raise_for_status()
    customers = client.get(API + "list_parties", params={"role": "customer"}, headers=headers).json()["message"]
    assert [(p["name"], p["roles"]) for p in customers["data"]] == [("Jane", ["customer"])]
