"""Shipments over HTTP: partial and full shipments of a confirmed order issue stock (kind
"shipment") and move the order's status in one transaction; over-shipment names the line and
what is left; the bin's shortfall is the stock ledger's own 417; serial-tracked units are picked
by serial, recorded and still take their warranty; every refusal changes nothing; tenancy and
sandbox; 50 racing shipments never over-ship; `Order Shipped` is published with the shipment."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.event.model import Event
from doctypes.sales_order.model import SalesOrderLine
from doctypes.shipment.model import Shipment, ShipmentSerial
from doctypes.stock.model import StockEntry
from tests.doctypes.sales_order.support import API, order
from tests.support.helpers import key_headers, subscribe


def held(call, sku: str) -> float:
    return call("stock.api.get_stock", item=sku)["quantity"]


def ship(call, made: dict, *lines: dict, expect: int = 200, **extra) -> dict:
    body = {"order": made["number"], "warehouse": "WH1", "lines": list(lines), **extra}
    return call("shipment.api.create_shipment", expect, **body)


def test_partial_then_full_shipments_move_stock_and_the_status(shop):
    made = order(shop, ("BOLT", 10, 2), ("BIKE", 2, 450))
    first = ship(shop, made, {"line": 1, "quantity": 4}, carrier="DHL", tracking_number="JD0001")
    assert (first["number"], first["order"], first["order_status"], first["warehouse"], first["bin"]) == (
        "SH-00001", "SO-00001", "partially_shipped", "WH1", "MAIN")
    assert first["lines"][0]["item"] == "BOLT" and first["lines"][0]["quantity"] == 4
    assert (first["carrier"], first["tracking_number"], first["customer"]["name"]) == ("DHL", "JD0001", "ACME")
    assert held(shop, "BOLT") == 96
    now = shop("sales_order.api.get_sales_order", order=made["id"])
    assert now["status"] == "partially_shipped" and now["lines"][0]["remaining"] == 6
    second = ship(shop, made, {"item": "bolt", "quantity": 6}, {"line": 2, "serial_numbers": ["B-2", "B-4"]})
    assert second["order_status"] == "shipped" and second["serial_numbers"] == ["B-2", "B-4"]
    assert shop("sales_order.api.get_sales_order", order=made["id"])["status"] == "shipped"
    assert held(shop, "BOLT") == 90 and held(shop, "BIKE") == 3
    ledger = shop("stock.api.list_ledger", kind="shipment")["data"]
    assert {(e["item"], e["quantity"], e["reference"]) for e in ledger} == {
        ("BOLT", -4, "SH-00001"), ("BOLT", -6, "SH-00002"), ("BIKE", -1, "SH-00002")}
    assert "SO-00001" in ledger[0]["reason"] and "ACME" in ledger[0]["reason"]
    assert shop("shipment.api.get_shipment", shipment="sh-00002")["lines"][1]["move"] == second["lines"][1]["move"]
    assert [s["number"] for s in shop("shipment.api.list_shipments", order=made["number"])["data"]] == [
        "SH-00002", "SH-00001"]
    assert shop("shipment.api.list_shipments", serial_number="B-4")["data"][0]["id"] == second["id"]
    assert shop("shipment.api.list_shipments", serial_number="B-1")["total"] == 0
    assert shop("shipment.api.list_shipments", customer="ACME")["total"] == 2
    refused = ship(shop, made, {"line": 1, "quantity": 1}, expect=417)
    assert "shipped in full" in refused["exception"]


def test_an_order_shipped_in_part_is_closed_and_ships_no_more(shop):
    made = order(shop, ("BOLT", 10))
    refused = shop("sales_order.api.close_sales_order", 417, order=made["id"])
    assert "nothing has shipped: cancel it instead" in refused["exception"] and refused["field_errors"]["order"]
    ship(shop, made, {"line": 1, "quantity": 4})
    closed = shop("sales_order.api.close_sales_order", order=made["number"], reason="customer took the rest elsewhere")
    assert (closed["status"], closed["reason"], closed["lines"][0]["shipped"]) == (
        "closed", "customer took the rest elsewhere", 4)
    assert closed["closed_at"] and closed["cancelled_at"] is None
    assert shop("sales_order.api.close_sales_order", order=made["id"])["status"] == "closed"  # harmless
    refused = ship(shop, made, {"line": 1, "quantity": 1}, expect=417)
    assert "closed" in refused["exception"] and held(shop, "BOLT") == 96
    assert "its units have left" in shop("sales_order.api.cancel_sales_order", 417, order=made["id"])["exception"]
    assert shop("sales_order.api.list_sales_orders", status="closed")["total"] == 1
    full = order(shop, ("BOLT", 1))
    ship(shop, full, {"line": 1, "quantity": 1})
    assert "shipped in full" in shop("sales_order.api.close_sales_order", 417, order=full["id"])["exception"]
    shop("sales_order.api.close_sales_order", 404, order="SO-00099")
    shop("sales_order.api.close_sales_order", 417, order=made["id"], reason="x" * 256)
    shop("sales_order.api.close_sales_order", 417)


def test_over_shipment_names_the_line_and_what_is_left_and_changes_nothing(shop):
    made = order(shop, ("BOLT", 10))
    ship(shop, made, {"line": 1, "quantity": 7})
    entries = StockEntry.select().count()
    refused = ship(shop, made, {"line": 1, "quantity": 5}, expect=417)
    assert "Line 1 (BOLT): 3 left to ship, 5 asked" in refused["exception"]
    assert refused["field_errors"]["lines.0.quantity"] == ["Line 1 has 3 left to ship."]
    assert StockEntry.select().count() == entries and Shipment.select().count() == 1
    assert SalesOrderLine.get().shipped == 7_000 and held(shop, "BOLT") == 93


def test_the_bins_shortfall_is_the_stock_ledgers_refusal(shop):
    made = order(shop, ("BOLT", 200), ("PAINT", 1))
    refused = ship(shop, made, {"line": 2, "quantity": 1, "batch": "L-1"}, {"line": 1, "quantity": 150}, expect=417)
    assert "Not enough BOLT in WH1/MAIN: 100 there, 150 asked, 50 short" in refused["exception"]
    assert Shipment.select().count() == 0 and sum(line.shipped for line in SalesOrderLine.select()) == 0
    assert held(shop, "PAINT") == 10  # the line shipped before the refusal is rolled back too
    ship(shop, made, {"line": 1, "quantity": 1}, expect=417, bin="A1")  # another bin holds none
    ship(shop, made, {"line": 1, "quantity": 1}, expect=404, warehouse="WH9")
    ship(shop, made, {"line": 1, "quantity": 1}, expect=404, bin="Z9")


def test_only_confirmed_orders_ship_and_shipped_ones_do_not_cancel(shop):
    draft = order(shop, ("BOLT", 5), confirm=False)
    refused = ship(shop, draft, {"line": 1, "quantity": 1}, expect=417)
    assert "a draft: confirm it first" in refused["exception"]
    shop("sales_order.api.confirm_sales_order", order=draft["id"])
    ship(shop, draft, {"line": 1, "quantity": 1})
    refused = shop("sales_order.api.cancel_sales_order", 417, order=draft["id"])
    assert "partially shipped" in refused["exception"]
    cancelled = order(shop, ("BOLT", 5))
    shop("sales_order.api.cancel_sales_order", order=cancelled["id"])
    assert "cancelled" in ship(shop, cancelled, {"line": 1, "quantity": 1}, expect=417)["exception"]
    ship(shop, {"number": "SO-00099"}, {"line": 1, "quantity": 1}, expect=404)


def test_which_line_a_shipment_line_names(shop):
    made = order(shop, ("BOLT", 2), ("PAINT", 1), ("BOLT", 3))
    ambiguous = ship(shop, made, {"item": "BOLT", "quantity": 1}, expect=417)
    assert "BOLT is on lines 1, 3: name the line" in ambiguous["exception"]
    assert "lines.0.line" in ship(shop, made, {"line": 4, "quantity": 1}, expect=417)["field_errors"]
    assert "lines.0.item" in ship(shop, made, {"item": "BIKE", "serial_numbers": ["B-1"]}, expect=417)["field_errors"]
    assert "lines.0.item" in ship(shop, made, {"line": 1, "item": "PAINT", "quantity": 1}, expect=417)["field_errors"]
    ship(shop, made, {"item": "NOPE", "quantity": 1}, expect=404)
    twice = ship(shop, made, {"line": 1, "quantity": 1}, {"line": 1, "quantity": 1}, expect=417)
    assert "lines.1.line" in twice["field_errors"]
    assert "lines.0.quantity" in ship(shop, made, {"line": 1}, expect=417)["field_errors"]
    assert "batch" in ship(shop, made, {"line": 2, "quantity": 1}, expect=417)["field_errors"]  # the ledger's rule
    ship(shop, made, {"line": 2, "quantity": 1, "batch": "L-9"}, expect=417)  # no such batch in the bin
    ship(shop, made, {"line": 1, "quantity": 2})
    assert ship(shop, made, {"item": "BOLT", "quantity": 3})["lines"][0]["line"] == 3  # the one open BOLT line
    assert Shipment.select().count() == 2


def test_serial_tracked_lines_pick_their_units(shop):
    made = order(shop, ("BIKE", 3))
    missing = ship(shop, made, {"line": 1, "quantity": 1}, expect=417)
    assert "lines.0.serial_numbers" in missing["field_errors"]
    assert "Not in WH1/MAIN: B-9" in ship(shop, made, {"line": 1, "serial_numbers": ["B-1", "B-9"]}, expect=417)[
        "exception"]
    ship(shop, made, {"line": 1, "serial_numbers": ["B-1", "B-1"]}, expect=417)  # named twice
    ship(shop, made, {"line": 1, "serial_numbers": ["B-1"], "quantity": 2}, expect=417)  # disagrees
    over = ship(shop, made, {"line": 1, "serial_numbers": ["B-1", "B-2", "B-3", "B-4"]}, expect=417)
    assert "3 left to ship, 4 asked" in over["exception"]
    shipped = ship(shop, made, {"line": 1, "serial_numbers": ["B-1", "B-3"]})
    assert shipped["lines"][0]["quantity"] == 2
    assert [row.serial for row in ShipmentSerial.select().order_by(ShipmentSerial.id)] == ["B-1", "B-3"]
    assert shop("stock.api.get_stock", item="BIKE")["serials_in_stock"] == 3
    again = ship(shop, made, {"line": 1, "serial_numbers": ["B-1"]}, expect=417)  # it has left
    assert "Not in WH1/MAIN: B-1" in again["exception"]


def test_a_form_ships_one_line_with_serial_numbers_text(shop, client, headers):
    made = order(shop, ("BIKE", 2), ("BOLT", 5))
    response = client.post(API + "shipment.api.create_shipment", headers=headers, data={
        "order": made["id"], "warehouse": "wh1", "line": "1", "serial_numbers_text": " B-2 \n\nB-5\n"})
    assert response.status_code == 200, response.text
    assert response.json()["message"]["serial_numbers"] == ["B-2", "B-5"]
    response = client.post(API + "shipment.api.create_shipment", headers=headers, data={
        "order": made["id"], "warehouse": "WH1", "line": "2", "quantity": "2.5"})
    assert response.status_code == 200 and response.json()["message"]["order_status"] == "partially_shipped"


def test_shipped_units_still_take_their_warranty_and_voided_ones_do_not_ship(shop):
    shop("serial_number.api.add_serial_numbers", serial_numbers=[
        {"serial_number": "B-1"}, {"serial_number": "B-2"}])
    shop("serial_number.api.void_serial_number", serial_number="B-2", reason="stolen")
    made = order(shop, ("BIKE", 2))
    voided = ship(shop, made, {"line": 1, "serial_numbers": ["B-1", "B-2"]}, expect=417)
    assert "Voided serial numbers do not ship: B-2" in voided["exception"]
    ship(shop, made, {"line": 1, "serial_numbers": ["B-1"]})
    warranty = shop("warranty.api.activate_warranty", serial_number="B-1", customer_name="Jo Rider",
                    customer_email="jo@example.com")
    assert warranty["serial_number"] == "B-1" and warranty["status"] == "active"
    assert shop("shipment.api.list_shipments", serial_number="B-1")["data"][0]["customer"]["name"] == "ACME"


@pytest.mark.parametrize("bad", [
    {"order": ""}, {"order": "x"}, {"order": None}, {"warehouse": ""}, {"warehouse": "w" * 33}, {"bin": "b" * 33},
    {"lines": []}, {"lines": [{}]}, {"lines": [{"line": 0, "quantity": 1}]}, {"lines": [{"line": 201, "quantity": 1}]},
    {"lines": [{"line": 1, "quantity": 0}]}, {"lines": [{"line": 1, "quantity": -2}]},
    {"lines": [{"line": 1, "quantity": 10**13}]}, {"lines": [{"line": 1, "quantity": "1.0001"}]},
    {"lines": [{"line": "x", "quantity": 1}]}, {"lines": [{"line": 1, "serial_numbers": [""]}]},
    {"lines": [{"line": 1, "serial_numbers": ["s"] * 1001}]}, {"lines": [{"line": 1, "batch": "b" * 65, "quantity": 1}]},
    {"lines": [{"line": 1, "quantity": 1}] * 201}, {"lines": "1"}, {"lines": [{"line": 1, "quantity": 1}], "line": 1},
    {"lines": None}, {"carrier": "c" * 141}, {"tracking_number": "t" * 141},
    {"lines": [{"line": 1, "serial_numbers": [f"s{n}" for n in range(600)]},
               {"line": 2, "serial_numbers": [f"t{n}" for n in range(600)]}]},
])
def test_bad_shipments_answer_417_naming_the_field(shop, bad):
    made = order(shop, ("BOLT", 10))
    body = {"order": made["id"], "warehouse": "WH1", "lines": [{"line": 1, "quantity": 1}], **bad}
    refused = shop("shipment.api.create_shipment", 417, **body)
    assert set(refused["field_errors"]) & ({*bad, "lines"}), refused
    assert Shipment.select().count() == 0


@pytest.mark.parametrize("ref", ["", "SH-", "SH-x", "sh-" + "1" * 13, "f" * 31, "<script>"])
def test_bad_shipment_references(shop, ref):
    shop("shipment.api.get_shipment", 417, shipment=ref)


def test_other_workspaces_and_the_sandbox_see_nothing(shop, make_workspace, workspace):
    made = order(shop, ("BOLT", 10))
    shipped = ship(shop, made, {"line": 1, "quantity": 2})
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        shop("shipment.api.create_shipment", 404, as_headers=other, order=made["id"], warehouse="WH1",
             lines=[{"line": 1, "quantity": 1}])
        for ref in (shipped["id"], shipped["number"]):
            shop("shipment.api.get_shipment", 404, as_headers=other, shipment=ref)
        assert shop("shipment.api.list_shipments", as_headers=other)["total"] == 0
        shop("shipment.api.list_shipments", 404, as_headers=other, order=made["number"])
        assert shop("shipment.api.list_shipments", as_headers=other, serial_number="B-1")["total"] == 0
    assert SalesOrderLine.get().shipped == 2_000 and held(shop, "BOLT") == 98
    client_of_sandbox = key_headers(workspace, "sandbox")
    shop("item.api.create_item", as_headers=client_of_sandbox, sku="BOLT", name="Sandbox bolt")
    shop("warehouse.api.create_warehouse", as_headers=client_of_sandbox, code="WH1", name="Sandbox")
    shop("stock.api.receive", as_headers=client_of_sandbox, item="BOLT", warehouse="WH1", quantity=5)
    shop("party.api.upsert_party", as_headers=client_of_sandbox, name="ACME", roles=["customer"])
    theirs = shop("sales_order.api.create_sales_order", as_headers=client_of_sandbox, customer="ACME", confirm=True,
                  lines=[{"item": "BOLT", "quantity": 5}])
    sandboxed = shop("shipment.api.create_shipment", as_headers=client_of_sandbox, order=theirs["id"], warehouse="WH1",
                     lines=[{"line": 1, "quantity": 5}])
    assert sandboxed["number"] == "SH-00001" and sandboxed["order_status"] == "shipped"
    assert held(shop, "BOLT") == 98 and shop("shipment.api.list_shipments")["total"] == 1


def test_a_read_only_key_may_not_ship(shop):
    made = order(shop, ("BOLT", 10))
    keys = shop("api_key.api.create_api_key", name="reader", scopes=["read"])
    reader = {"X-Traciqo-API-Key": keys["api_key"], "X-Traciqo-API-Secret": keys["api_secret"]}
    shop("shipment.api.create_shipment", 403, as_headers=reader, order=made["id"], warehouse="WH1",
         lines=[{"line": 1, "quantity": 1}])
    assert shop("shipment.api.list_shipments", as_headers=reader)["total"] == 0


def test_fifty_racing_shipments_never_over_ship(app, shop, headers):
    from starlette.testclient import TestClient

    made = order(shop, ("BOLT", 10))
    with TestClient(app) as client:
        def attempt(_: int) -> int:
            return client.post(API + "shipment.api.create_shipment", headers=headers, json={
                "order": made["id"], "warehouse": "WH1", "lines": [{"line": 1, "quantity": 1}]}).status_code

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(attempt, range(50)))
    assert sorted(statuses) == [200] * 10 + [417] * 40
    assert SalesOrderLine.get().shipped == 10_000 and held(shop, "BOLT") == 90
    assert shop("sales_order.api.get_sales_order", order=made["id"])["status"] == "shipped"
    assert sorted(s.number for s in Shipment.select()) == list(range(1, 11))


def test_shipments_of_two_orders_racing_for_the_same_items_both_finish(app, shop, headers):
    """Two items shipped in opposite line orders: the items are taken in one order, so no deadlock."""
    from starlette.testclient import TestClient

    first, second = order(shop, ("BOLT", 50), ("PAINT", 5)), order(shop, ("PAINT", 5), ("BOLT", 50))
    with TestClient(app) as client:
        def attempt(number: int) -> int:
            made = (first, second)[number % 2]
            lines = [{"line": 1, "quantity": 1}, {"line": 2, "quantity": 1}]
            for line in lines:
                line.update({"batch": "L-1"} if made["lines"][line["line"] - 1]["item"] == "PAINT" else {})
            return client.post(API + "shipment.api.create_shipment", headers=headers, json={
                "order": made["id"], "warehouse": "WH1", "lines": lines}).status_code

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(attempt, range(10)))
    assert statuses == [200] * 10
    assert held(shop, "BOLT") == 90 and held(shop, "PAINT") == 0


def test_order_shipped_is_published_with_the_shipment(shop, client, headers):
    subscribe(client, headers, "Order Shipped")
    made = order(shop, ("BOLT", 10), ("BIKE", 2), reference="PO-9")
    ship(shop, made, {"line": 1, "quantity": 20}, expect=417)  # refused: nothing published
    shipped = ship(shop, made, {"line": 1, "quantity": 3}, {"line": 2, "serial_numbers": ["B-1"]}, carrier="UPS")
    events = [(e.name, json.loads(bytes(e.body))) for e in Event.select()]
    assert [name for name, _ in events] == ["Order Shipped"]
    data = events[0][1]["data"]
    assert data["order"] == {"id": made["id"], "number": "SO-00001", "reference": "PO-9", "status": "partially_shipped",
                             "ship_to": "", "customer": {"id": made["customer"]["id"], "name": "ACME"}}
    assert (data["shipment"]["id"], data["shipment"]["number"], data["shipment"]["carrier"]) == (
        shipped["id"], "SH-00001", "UPS")
    assert [(line["line"], line["item"], line["quantity"], line["serial_numbers"]) for line in data["lines"]] == [
        (1, "BOLT", 3, []), (2, "BIKE", 1, ["B-1"])]
    assert data["serial_numbers"] == ["B-1"]


def test_as_a_frappe_resource(shop, client, headers):
    made = order(shop, ("BOLT", 10))
    shipped = ship(shop, made, {"line": 1, "quantity": 1}, carrier="DHL")
    listed = client.get("/api/resource/Shipment", params={"fields": '["name", "order_id", "carrier"]'},
                        headers=headers).json()["data"]
    assert listed == [{"name": "SH-00001", "order_id": made["id"], "carrier": "DHL"}]
    assert client.get("/api/resource/Shipment/sh-00001", headers=headers).json()["data"]["id"] == shipped["id"]
    by_order = client.get("/api/resource/Shipment", params={"filters": json.dumps({"order_id": made["id"]})},
                          headers=headers).json()["data"]
    assert by_order == [{"name": "SH-00001"}]
    refused = client.post("/api/resource/Shipment", headers=headers, json={"order_id": made["id"]})
    assert refused.status_code in (403, 405, 417), refused.text


def test_shipments_of_many_orders_at_once_each_get_their_own_number(app, shop, headers):
    from starlette.testclient import TestClient

    made = [order(shop, ("BOLT", 1)) for _ in range(20)]
    with TestClient(app) as client:
        def attempt(one: dict) -> int:
            return client.post(API + "shipment.api.create_shipment", headers=headers, json={
                "order": one["id"], "warehouse": "WH1", "lines": [{"line": 1, "quantity": 1}]}).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(attempt, made))
    assert statuses == [200] * 20
    assert sorted(s.number for s in Shipment.select()) == list(range(1, 21)) and held(shop, "BOLT") == 80
