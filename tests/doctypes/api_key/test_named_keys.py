"""Named keys: create, list, rotate and revoke them; read-only keys; tenancy and environments."""

from __future__ import annotations

import pytest

from doctypes.api_key import service
from tests.support.helpers import key_headers

API = "/api/method/doctypes.api_key.api."
WHOAMI = "/api/method/traciqo_rpc.api.whoami"
UPSERT_PRODUCT = "/api/method/doctypes.product.api.upsert_product"
LIST_PRODUCTS = "/api/method/doctypes.product.api.list_products"


def create(client, headers, name="ci", **body):
    response = client.post(API + "create_api_key", headers=headers, json={"name": name, **body})
    assert response.status_code == 200, response.text
    return response.json()["message"]


def headers_of(key: dict) -> dict[str, str]:
    return {"Authorization": f"token {key['api_key']}:{key['api_secret']}"}


def test_a_named_key_works_at_once_and_is_listed_without_its_secret(client, workspace):
    owner = key_headers(workspace)
    key = create(client, owner, "warehouse scanner")
    assert key["name"] == "warehouse scanner" and key["scopes"] == ["read", "write"]
    assert key["environment"] == "live" and not key["default"] and key["api_key"].startswith("tq_live_")
    me = client.get(WHOAMI, headers=headers_of(key)).json()["message"]
    assert me == {"workspace": "acme", "environment": "live", "api_key": key["api_key"]}
    listed = client.get(API + "list_api_keys", headers=owner).json()["message"]
    assert [k["name"] for k in listed] == ["default", "warehouse scanner"]
    assert all("api_secret" not in k and "secret_hash" not in k for k in listed)


def test_a_read_only_key_reads_and_is_refused_writes(client, workspace):
    reader = headers_of(create(client, key_headers(workspace), "dashboard", scopes=["read"]))
    assert client.get(LIST_PRODUCTS, headers=reader).status_code == 200
    refused = client.post(UPSERT_PRODUCT, headers=reader, json={"name": "P1"})
    assert refused.status_code == 403
    assert refused.json()["exc_type"] == "KeyScopeMissing"
    assert client.get("/api/method/doctypes.upload.api.get_upload_url", headers=reader,
                      params={"file_name": "a.pdf", "file_type": "application/pdf", "file_size": 10}).status_code == 403
    assert client.post(API + "create_api_key", headers=reader, json={"name": "x"}).status_code == 403


def test_a_write_only_key_cannot_read_nor_reach_a_wider_key(client, workspace):
    writer_key = create(client, key_headers(workspace), "importer", scopes=["write"])
    writer = headers_of(writer_key)
    assert client.get(LIST_PRODUCTS, headers=writer).status_code == 403
    assert client.post(UPSERT_PRODUCT, headers=writer, json={"name": "P1"}).status_code == 200
    # It may not mint itself a wider key, nor take the default key's secret.
    assert client.post(API + "create_api_key", headers=writer, json={"name": "y", "scopes": ["read"]}).status_code == 403
    taken = client.post(API + "rotate_api_key", headers=writer, json={"api_key": workspace["live"]["api_key"]})
    assert taken.status_code == 403
    assert client.get(WHOAMI, headers=key_headers(workspace)).status_code == 200
    # Its own secret it may rotate.
    own = client.post(API + "rotate_api_key", headers=writer).json()["message"]
    assert own["api_key"] == writer_key["api_key"] and own["api_secret"] != writer_key["api_secret"]


def test_revoking_refuses_the_key_at_once_and_keeps_it_listed(client, workspace):
    owner = key_headers(workspace)
    key = create(client, owner)
    assert client.get(WHOAMI, headers=headers_of(key)).status_code == 200  # cached now
    revoked = client.post(API + "revoke_api_key", headers=owner, json={"api_key": key["api_key"]}).json()["message"]
    assert revoked["revoked_at"]
    assert client.get(WHOAMI, headers=headers_of(key)).status_code == 401
    listed = {k["api_key"]: k for k in client.get(API + "list_api_keys", headers=owner).json()["message"]}
    assert listed[key["api_key"]]["revoked_at"]
    # Revoked is final: neither rotated back to life nor revoked twice.
    again = client.post(API + "rotate_api_key", headers=owner, json={"api_key": key["api_key"]})
    assert again.status_code == 404
    assert client.post(API + "revoke_api_key", headers=owner, json={"api_key": key["api_key"]}).status_code == 404


def test_a_key_may_revoke_itself(client, workspace):
    key = headers_of(create(client, key_headers(workspace)))
    own_id = client.get(API + "list_api_keys", headers=key).json()["message"][1]["api_key"]
    assert client.post(API + "revoke_api_key", headers=key, json={"api_key": own_id}).status_code == 200
    assert client.get(WHOAMI, headers=key).status_code == 401


def test_rotating_a_named_key_by_id_refuses_its_old_secret(client, workspace):
    owner = key_headers(workspace)
    key = create(client, owner)
    rotated = client.post(API + "rotate_api_key", headers=owner, json={"api_key": key["api_key"]}).json()["message"]
    assert rotated["name"] == key["name"] and rotated["rotated_at"]
    assert client.get(WHOAMI, headers=headers_of(key)).status_code == 401
    assert client.get(WHOAMI, headers=headers_of(rotated)).status_code == 200
    assert client.get(WHOAMI, headers=owner).status_code == 200


def test_the_default_key_is_rotated_never_revoked(client, workspace):
    owner = key_headers(workspace)
    response = client.post(API + "revoke_api_key", headers=owner, json={"api_key": workspace["live"]["api_key"]})
    assert response.status_code == 417
    assert "api_key" in response.json()["field_errors"]
    assert client.get(WHOAMI, headers=owner).status_code == 200


def test_names_are_unique_per_environment(client, workspace):
    owner = key_headers(workspace)
    create(client, owner, "ci")
    assert client.post(API + "create_api_key", headers=owner, json={"name": "ci"}).status_code == 409
    assert client.post(API + "create_api_key", headers=owner, json={"name": "default"}).status_code == 409
    sandbox = create(client, key_headers(workspace, "sandbox"), "ci")  # another environment, another namespace
    assert sandbox["environment"] == "sandbox" and sandbox["api_key"].startswith("tq_test_")


def test_an_environment_holds_a_bounded_number_of_keys(client, workspace, monkeypatch):
    monkeypatch.setattr(service, "MAX_KEYS", 3)
    owner = key_headers(workspace)
    create(client, owner, "one")
    create(client, owner, "two")
    assert client.post(API + "create_api_key", headers=owner, json={"name": "three"}).status_code == 417


def test_last_use_is_recorded_from_the_usage_counts(client, rt, workspace):
    owner = key_headers(workspace)
    key = create(client, owner)
    assert client.get(WHOAMI, headers=headers_of(key)).status_code == 200
    rt.request_log.flush()
    listed = {k["name"]: k for k in client.get(API + "list_api_keys", headers=owner).json()["message"]}
    assert listed["ci"]["last_used_at"]


def test_keys_are_isolated_by_workspace_and_environment(client, make_workspace):
    first, second = make_workspace("first"), make_workspace("second")
    key = create(client, key_headers(first), "shared name")
    assert create(client, key_headers(second), "shared name")["api_key"] != key["api_key"]
    for other in (key_headers(second), key_headers(first, "sandbox"),
                  {**key_headers(first), "X-Traciqo-Sandbox": "true"}):
        names = [k["name"] for k in client.get(API + "list_api_keys", headers=other).json()["message"]]
        assert names.count("shared name") <= 1 and key["api_key"] not in str(names)
        for action in ("rotate_api_key", "revoke_api_key"):
            assert client.post(API + action, headers=other, json={"api_key": key["api_key"]}).status_code == 404
    assert client.get(WHOAMI, headers=headers_of(key)).status_code == 200


def test_a_sandbox_named_key_never_sees_live_data(client, workspace):
    sandbox_key = headers_of(create(client, key_headers(workspace, "sandbox"), "test runner"))
    client.post(UPSERT_PRODUCT, headers=key_headers(workspace), json={"name": "LIVE-1"})
    me = client.get(WHOAMI, headers=sandbox_key).json()["message"]
    assert me["environment"] == "sandbox"
    assert client.get(LIST_PRODUCTS, headers=sandbox_key).json()["message"]["total"] == 0


@pytest.mark.parametrize(
    "body,field",
    [({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 81}, "name"), ({"name": ["a"]}, "name"),
     ({"name": "a", "scopes": []}, "scopes"), ({"name": "a", "scopes": ["admin"]}, "scopes"),
     ({"name": "a", "scopes": "read"}, "scopes"), ({"name": "a", "scopes": ["read"] * 3}, "scopes"),
     ({"name": "a", "extra": 1}, "extra")],
)
def test_create_bad_inputs(client, workspace, body, field):
    response = client.post(API + "create_api_key", headers=key_headers(workspace), json=body)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


@pytest.mark.parametrize("action", ["rotate_api_key", "revoke_api_key"])
@pytest.mark.parametrize("body,status", [({"api_key": ""}, 417), ({"api_key": "k" * 65}, 417), ({"api_key": 5}, 417),
                                         ({"api_key": "tq_live_nosuchkey"}, 404)])
def test_key_reference_bad_inputs(client, workspace, action, body, status):
    assert client.post(API + action, headers=key_headers(workspace), json=body).status_code == status


def test_key_management_needs_a_key(client):
    for action in ("create_api_key", "rotate_api_key", "revoke_api_key"):
        assert client.post(API + action, json={"name": "x", "api_key": "y"}).status_code == 403
    assert client.get(API + "list_api_keys").status_code == 403
