"""Purchase Order as a Frappe resource: its name is PO-00042, its lines a child list; read only."""

from __future__ import annotations

import json

from tests.support.helpers import key_headers


def test_orders_read_with_their_lines(placed, supplies, client, headers):
    supplies("purchase_order.api.receive_purchase_order", order="PO-00001", warehouse="WH1", line=2, quantity="2.5")
    supplies("purchase_order.api.create_purchase_order", vendor="Acme Supply")
    listed = client.get("/api/resource/Purchase Order", params={"fields": '["name", "status", "lines"]'},
                        headers=headers).json()["data"]
    assert [(d["name"], d["status"]) for d in listed] == [("PO-00002", "draft"), ("PO-00001", "partially_received")]
    assert listed[0]["lines"] == []
    assert listed[1]["lines"] == [
        {"line": 1, "item": "BOLT", "quantity": 200, "received": 0, "unit_cost": 0.25},
        {"line": 2, "item": "NUT", "quantity": 10, "received": 2.5, "unit_cost": 1.5},
        {"line": 3, "item": "BIKE", "quantity": 2, "received": 0, "unit_cost": 300},
        {"line": 4, "item": "PAINT", "quantity": 5, "received": 0, "unit_cost": 8}]
    one = client.get("/api/resource/Purchase Order/po-00001", headers=headers).json()["data"]
    assert (one["id"], one["vendor_id"], one["doctype"], len(one["lines"])) == (
        placed["id"], placed["vendor_id"], "Purchase Order", 4)
    drafts = client.get("/api/resource/Purchase Order", headers=headers,
                        params={"filters": json.dumps([["status", "=", "draft"]])}).json()["data"]
    assert drafts == [{"name": "PO-00002"}]
    assert client.get("/api/resource/Purchase Order/PO-00009", headers=headers).status_code == 404
    assert client.get("/api/resource/Purchase Order/nonsense", headers=headers).status_code == 404
    assert client.get("/api/resource/Purchase Order", headers=headers,
                      params={"filters": json.dumps([["name", "=", "PO-x"]])}).status_code == 417


def test_read_only_and_tenant_scoped(placed, client, headers, make_workspace, workspace):
    assert client.post("/api/resource/Purchase Order", json={"vendor_id": placed["vendor_id"]},
                       headers=headers).status_code == 417
    assert client.delete("/api/resource/Purchase Order/PO-00001", headers=headers).status_code == 417
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        assert client.get("/api/resource/Purchase Order", headers=other).json()["data"] == []
        assert client.get("/api/resource/Purchase Order/PO-00001", headers=other).status_code == 404
