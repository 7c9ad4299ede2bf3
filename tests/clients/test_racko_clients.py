"""A Racko client's day over /v2/ (seeds/002): buy from a vendor and receive, build from a BOM,
sell and ship, export; Racko's statuses on what goes wrong, every answer as the OpenAPI
document says; tenancy and the sandbox on the order, BOM, build and export routes."""

from __future__ import annotations

import pytest

from tests.support.racko import Racko, racko_headers


@pytest.fixture
def racko(client, workspace) -> Racko:
    return Racko(client, client.get("/api/openapi.json").json(), racko_headers(workspace))


def catalogue(racko: Racko) -> None:
    for sku in ("BOLT", "KIT"):
        racko.call("POST", "/v2/items", 201, json={"sku": sku, "name": sku.title()})
    racko.call("POST", "/v2/warehouses", 201, json={"code": "AMS", "name": "Amsterdam"})
    racko.call("POST", "/v2/vendors", 200, json={"name": "Steel Works"})
    racko.call("POST", "/v2/customers", 200, json={"name": "Bike Shop"})


def buy_bolts(racko: Racko, quantity: int = 10) -> dict:
    order = racko.call("POST", "/v2/purchase-orders", 201, json={
        "vendor": "Steel Works", "lines": [{"item": "BOLT", "quantity": quantity, "unit_cost": 1.5}]})
    racko.call("POST", f"/v2/purchase-orders/{order['id']}/place", 200)
    racko.call("POST", f"/v2/purchase-orders/{order['id']}/receipts", 201, json={
        "warehouse": "AMS", "lines": [{"line": 1, "quantity": quantity}]})
    return racko.call("GET", f"/v2/purchase-orders/{order['id']}", 200)


def test_buy_build_sell_ship_and_export(racko):
    catalogue(racko)
    order = buy_bolts(racko)
    assert order["lines"][0]["received"] == 10
    assert racko.call("GET", "/v2/purchase-orders", 200, params={"limit": 1})["total"] == 1
    over = racko.call("POST", f"/v2/purchase-orders/{order['id']}/receipts", 400, json={
        "warehouse": "AMS", "lines": [{"line": 1, "quantity": 1}]})
    assert over["code"] == "invalid_request"  # over-receipt: a business rule, Racko's 400

    bom = racko.call("POST", "/v2/boms", 201, json={"item": "KIT", "lines": [{"item": "BOLT", "quantity": 2}]})
    assert racko.call("GET", f"/v2/boms/{bom['id']}", 200)["id"] == bom["id"]
    assert racko.call("GET", "/v2/boms", 200)["total"] == 1
    build = racko.call("POST", "/v2/builds", 201, json={"item": "KIT", "quantity": 3, "warehouse": "AMS"})
    racko.call("POST", f"/v2/builds/{build['id']}/complete", 200, json={})
    assert racko.call("GET", f"/v2/builds/{build['id']}", 200)["id"] == build["id"]
    assert racko.call("GET", "/v2/builds", 200)["total"] == 1
    assert racko.call("GET", "/v2/stock", 200, params={"item": "KIT"})["quantity"] == 3
    assert racko.call("GET", "/v2/stock", 200, params={"item": "BOLT"})["quantity"] == 4

    sale = racko.call("POST", "/v2/sales-orders", 201, json={
        "customer": "Bike Shop", "lines": [{"item": "KIT", "quantity": 2, "unit_price": 20}], "confirm": True})
    assert racko.call("GET", f"/v2/sales-orders/{sale['id']}", 200)["id"] == sale["id"]
    short = racko.call("POST", "/v2/shipments", 400, json={
        "order": sale["id"], "warehouse": "AMS", "lines": [{"line": 1, "quantity": 3}]})
    assert short["code"] == "invalid_request"
    shipped = racko.call("POST", "/v2/shipments", 201, json={
        "order": sale["id"], "warehouse": "AMS", "lines": [{"line": 1, "quantity": 2}]})
    assert racko.call("GET", f"/v2/shipments/{shipped['id']}", 200)["id"] == shipped["id"]
    assert racko.call("GET", "/v2/shipments", 200, params={"order": sale["id"]})["total"] == 1
    assert racko.call("GET", "/v2/sales-orders", 200)["total"] == 1
    assert racko.call("GET", "/v2/stock", 200, params={"item": "KIT"})["quantity"] == 1
    rest = racko.call("POST", "/v2/sales-orders", 201, json={
        "customer": "Bike Shop", "lines": [{"item": "KIT", "quantity": 2}], "confirm": True})
    assert racko.call("POST", f"/v2/sales-orders/{rest['id']}/close", 400, json={})["code"] == "invalid_request"
    racko.call("POST", "/v2/shipments", 201, json={"order": rest["id"], "warehouse": "AMS", "lines": [{"line": 1, "quantity": 1}]})
    closed = racko.call("POST", f"/v2/sales-orders/{rest['id']}/close", 200, json={"reason": "out of kits"})
    assert (closed["status"], closed["reason"]) == ("closed", "out of kits")

    exported = racko.client.get("/v2/exports/Item", headers=racko.headers, params={"limit": 1, "offset": 1})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = exported.text.strip().splitlines()
    assert len(rows) == 2 and "KIT" in rows[1]  # a heading, then the second item by the list's order


def test_absences_bad_inputs_and_verbs(racko):
    catalogue(racko)
    for path in ("/v2/sales-orders/SO-99999", "/v2/purchase-orders/PO-99999", "/v2/shipments/SH-99999",
                 "/v2/builds/nope", "/v2/boms/" + "0" * 32):
        assert racko.call("GET", path, 404)["code"] == "no_content"
    assert racko.call("POST", "/v2/sales-orders", 404, json={
        "customer": "Nobody", "lines": [{"item": "KIT", "quantity": 1}]})["code"] == "no_content"
    assert racko.call("POST", "/v2/sales-orders", 400, json={"customer": "Bike Shop", "lines": []})["field_errors"]
    assert racko.call("POST", "/v2/boms", 400, json={"item": "KIT"})["code"] == "invalid_request"
    assert racko.call("POST", "/v2/builds", 404, json={"item": "KIT", "quantity": 1, "warehouse": "AMS"})["code"] \
        == "no_content"  # no BOM for it
    assert racko.call("GET", "/v2/exports/Nothing", 404)["code"] == "no_content"
    assert racko.client.delete("/v2/builds", headers=racko.headers).status_code == 405


def test_tenancy_and_the_sandbox(racko, make_workspace, workspace):
    catalogue(racko)
    order = buy_bolts(racko)
    other = racko.as_(racko_headers(make_workspace("other")))
    assert other.call("GET", f"/v2/purchase-orders/{order['id']}", 404)["code"] == "no_content"
    assert other.call("GET", "/v2/purchase-orders", 200)["total"] == 0
    assert other.call("POST", f"/v2/purchase-orders/{order['id']}/receipts", 404, json={
        "warehouse": "AMS", "lines": [{"line": 1, "quantity": 1}]})["code"] == "no_content"
    sandbox = racko.as_(racko_headers(workspace, "sandbox"))
    assert sandbox.call("GET", f"/v2/purchase-orders/{order['id']}", 404)["code"] == "no_content"
    for path in ("/v2/purchase-orders", "/v2/sales-orders", "/v2/shipments", "/v2/boms", "/v2/builds"):
        assert sandbox.call("GET", path, 200)["total"] == 0, path
    exported = racko.client.get("/v2/exports/Item", headers=sandbox.headers)
    assert exported.status_code == 200 and len(exported.text.strip().splitlines()) == 1  # the heading only
