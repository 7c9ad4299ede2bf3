"""Warehouse as a Frappe resource: named by its code, written through the warehouse methods."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import key_headers

RESOURCE = "/api/resource/"
METHOD = "/api/method/"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace, form="token")


def test_insert_read_update_through_the_methods(client, headers):
    created = client.post(RESOURCE + "Warehouse", headers=headers,
                          json={"name": "wh-1", "warehouse_name": "Pune DC", "address": "Chakan"})
    assert created.status_code == 200, created.text
    document = created.json()["data"]
    assert (document["name"], document["warehouse_name"], document["address"], document["active"]) == (
        "WH-1", "Pune DC", "Chakan", True)
    bins = client.get(METHOD + "doctypes.warehouse.api.list_bins", params={"warehouse": "WH-1"}, headers=headers)
    assert [b["code"] for b in bins.json()["message"]["data"]] == ["MAIN"]  # made by create_warehouse
    assert client.get(RESOURCE + "Warehouse/wh-1", headers=headers).json()["data"]["id"] == document["id"]
    changed = client.put(RESOURCE + "Warehouse/WH-1", headers=headers, json={"warehouse_name": "Pune", "active": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["data"]["warehouse_name"], changed.json()["data"]["active"]) == ("Pune", False)
    listed = client.get(RESOURCE + "Warehouse", headers=headers,
                        params={"fields": json.dumps(["name", "active"]), "filters": json.dumps({"name": "wh-1"})})
    assert listed.json()["data"] == [{"name": "WH-1", "active": False}]


def test_refusals(client, headers, workspace, make_workspace):
    client.post(RESOURCE + "Warehouse", headers=headers, json={"name": "WH-1", "warehouse_name": "A"})
    again = client.post(RESOURCE + "Warehouse", headers=headers, json={"name": "wh-1", "warehouse_name": "B"})
    assert again.status_code == 409
    bad = client.post(RESOURCE + "Warehouse", headers=headers, json={"name": "a b", "warehouse_name": "B"})
    assert bad.status_code == 417 and "code" in bad.json()["field_errors"]
    assert client.put(RESOURCE + "Warehouse/WH-1", headers=headers, json={"id": "x"}).status_code == 417
    assert client.delete(RESOURCE + "Warehouse/WH-1", headers=headers).status_code == 417
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert client.get(RESOURCE + "Warehouse/WH-1", headers=other).status_code == 404
        assert client.get(RESOURCE + "Warehouse", headers=other).json()["data"] == []
        assert client.put(RESOURCE + "Warehouse/WH-1", headers=other, json={"active": False}).status_code == 404
