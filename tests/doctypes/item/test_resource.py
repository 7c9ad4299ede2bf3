"""Item as a Frappe resource: named by its SKU, written through the item methods."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import key_headers

RESOURCE = "/api/resource/"
METHOD = "/api/method/doctypes.item.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace, form="token")


def test_insert_read_update_through_the_methods(client, headers):
    created = client.post(RESOURCE + "Item", headers=headers, json={
        "name": "bolt-m6", "item_name": "Bolt M6", "attributes": {"colour": "zinc"}, "reorder_level": "2.5",
        "tracking": "batch"})
    assert created.status_code == 200, created.text
    document = created.json()["data"]
    assert (document["name"], document["item_name"], document["attributes"], document["reorder_level"]) == (
        "BOLT-M6", "Bolt M6", {"colour": "zinc"}, 2.5)
    assert (document["tracking"], document["unit"], document["active"], document["product_id"]) == (
        "batch", "pcs", True, None)
    got = client.get(METHOD + "get_item", params={"item": "BOLT-M6"}, headers=headers).json()["message"]
    assert got["id"] == document["id"]
    assert client.get(RESOURCE + "Item/bolt-m6", headers=headers).json()["data"]["id"] == document["id"]
    changed = client.put(RESOURCE + "Item/BOLT-M6", headers=headers, json={"item_name": "Bolt", "active": False,
                                                                           "reorder_level": 0})
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert (data["item_name"], data["active"], data["reorder_level"], data["name"]) == ("Bolt", False, 0, "BOLT-M6")
    listed = client.get(RESOURCE + "Item", headers=headers,
                        params={"fields": json.dumps(["name", "active"]), "filters": json.dumps({"active": 0})})
    assert listed.json()["data"] == [{"name": "BOLT-M6", "active": False}]
    by_name = client.get(RESOURCE + "Item", headers=headers, params={"filters": json.dumps({"name": "bolt-m6"})})
    assert by_name.json()["data"] == [{"name": "BOLT-M6"}]


def test_list_in_sku_order(client, headers):
    for sku in ("C", "A", "B"):
        client.post(RESOURCE + "Item", headers=headers, json={"name": sku, "item_name": sku})
    names = client.get(RESOURCE + "Item", headers=headers).json()["data"]
    assert [d["name"] for d in names] == ["A", "B", "C"]
    newest = client.get(RESOURCE + "Item", headers=headers, params={"order_by": "creation desc"}).json()["data"]
    assert [d["name"] for d in newest] == ["B", "A", "C"]


def test_refusals(client, headers, workspace, make_workspace):
    client.post(RESOURCE + "Item", headers=headers, json={"name": "BOLT", "item_name": "A"})
    again = client.post(RESOURCE + "Item", headers=headers, json={"name": "bolt", "item_name": "B"})
    assert again.status_code == 409
    bad = client.post(RESOURCE + "Item", headers=headers, json={"name": "a b", "item_name": "B"})
    assert bad.status_code == 417 and "sku" in bad.json()["field_errors"]
    assert client.put(RESOURCE + "Item/BOLT", headers=headers, json={"id": "x"}).status_code == 417
    assert client.delete(RESOURCE + "Item/BOLT", headers=headers).status_code == 417
    unindexed = client.get(RESOURCE + "Item", headers=headers, params={"filters": json.dumps({"item_name": "A"})})
    assert unindexed.status_code == 417
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(RESOURCE + "Item/BOLT", headers=other).status_code == 404
        assert client.get(RESOURCE + "Item", headers=other).json()["data"] == []
        assert client.put(RESOURCE + "Item/BOLT", headers=other, json={"active": False}).status_code == 404
    assert client.get(RESOURCE + "Item/BOLT", headers=headers).json()["data"]["active"] is True
