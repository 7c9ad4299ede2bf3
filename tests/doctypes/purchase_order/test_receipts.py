"""Receipts against purchase orders over HTTP: partial receipts posted to the stock ledger at
the lines' costs, statuses that follow the lines, over-receipt refused naming what is left,
receipts refused in the wrong status, tracking by batch and serial, all-or-nothing receipts,
and two receipts racing for the last units on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.purchase_order.model import PurchaseOrderLine
from doctypes.stock.model import StockEntry
from tests.support.helpers import subscribe

from .conftest import API

RECEIVE = "purchase_order.api.receive_purchase_order"


def stock_of(call, sku: str) -> dict:
    return call("stock.api.get_stock", item=sku)


def test_partial_receipts_post_stock_at_the_line_cost_until_received(placed, supplies):
    first = supplies(RECEIVE, order="PO-00001", warehouse="WH1", bin="A1", reason="truck 1", lines=[
        {"line": 1, "quantity": 120}, {"item": "nut", "quantity": 10}, {"line": 4, "quantity": 2, "batch": "L-7"}])
    assert first["status"] == "partially_received" and len(first["moves"]) == 3
    assert [(line["received"], line["remaining"]) for line in first["lines"]] == [(120, 80), (10, 0), (0, 2), (2, 3)]
    assert {move["item"]: (move["quantity"], move["target"]) for move in first["moves"]} == {
        "BOLT": (120, "WH1/A1"), "NUT": (10, "WH1/A1"), "PAINT": (2, "WH1/A1")}
    bolts = stock_of(supplies, "BOLT")
    assert (bolts["quantity"], bolts["value"], bolts["average_cost"]) == (120, 30.0, 0.25)
    ledger = supplies("stock.api.list_ledger", item="NUT")["data"]
    assert [(e["kind"], e["quantity"], e["value_change"], e["reference"], e["reason"]) for e in ledger] == [
        ("receipt", 10, 15.0, "PO-00001", "truck 1")]
    supplies(RECEIVE, order="PO-00001", warehouse="WH1", line=1, quantity=80)
    supplies(RECEIVE, order="PO-00001", warehouse="WH1", item="PAINT", quantity=3, batch="L-8")
    done = supplies(RECEIVE, order="PO-00001", warehouse="WH1", item="BIKE", serial_numbers_text="B-1\nB-2\n")
    assert done["status"] == "received" and done["ended_at"]
    assert [line["remaining"] for line in done["lines"]] == [0, 0, 0, 0]
    assert (stock_of(supplies, "BIKE")["serials_in_stock"], stock_of(supplies, "BIKE")["value"]) == (2, 600.0)
    assert supplies("purchase_order.api.list_purchase_orders", status="received")["total"] == 1
    refused = supplies(RECEIVE, 417, order="PO-00001", warehouse="WH1", line=1, quantity=1)
    assert (refused["exc_type"], "everything has come" in refused["exception"]) == ("OrderNotReceivable", True)


def test_over_receipt_is_refused_naming_what_is_left_and_changes_nothing(placed, supplies):
    supplies(RECEIVE, order="PO-00001", warehouse="WH1", line=2, quantity=4)
    refused = supplies(RECEIVE, 417, order="PO-00001", warehouse="WH1", lines=[
        {"line": 1, "quantity": 10}, {"line": 2, "quantity": 7}])
    assert refused["exc_type"] == "OverReceipt"
    assert refused["field_errors"]["lines"] == ["Line 2: 7 received, 6 left to receive"]
    # The same line twice in one receipt (two batches) counts both against what is left.
    twice = supplies(RECEIVE, 417, order="PO-00001", warehouse="WH1", lines=[
        {"line": 4, "quantity": 3, "batch": "A"}, {"line": 4, "quantity": 3, "batch": "B"}])
    assert twice["field_errors"]["lines"] == ["Line 4: 3 received, 2 left to receive"]
    order = supplies("purchase_order.api.get_purchase_order", order="PO-00001")
    assert [line["received"] for line in order["lines"]] == [0, 4, 0, 0] and order["status"] == "partially_received"
    assert StockEntry.select().count() == 1 and stock_of(supplies, "BOLT")["quantity"] == 0
    both = supplies(RECEIVE, order="PO-00001", warehouse="WH1", lines=[
        {"line": 4, "quantity": 3, "batch": "A"}, {"line": 4, "quantity": 2, "batch": "B"}])
    assert both["lines"][3]["remaining"] == 0


def test_a_refused_line_rolls_back_the_whole_receipt(placed, supplies):
    for lines, status in (
        ([{"line": 1, "quantity": 5}, {"line": 3, "quantity": 1}], 417),  # a bike needs serial numbers
        ([{"line": 1, "quantity": 5}, {"line": 4, "quantity": 1}], 417),  # paint needs a batch
        ([{"line": 1, "quantity": 5}, {"line": 2, "quantity": 1, "batch": "X"}], 417),  # nuts have none
        ([{"line": 1, "quantity": 5}, {"line": 3, "serial_numbers": ["B-1"], "quantity": 2}], 417),
        ([{"line": 1, "quantity": 5}, {"line": 9, "quantity": 1}], 404),
        ([{"line": 1, "quantity": 5}, {"item": "SCREW", "quantity": 1}], 404),
        ([{"line": 1, "quantity": 5}, {"line": 2}], 417),
    ):
        supplies(RECEIVE, status, order="PO-00001", warehouse="WH1", lines=lines)
    supplies(RECEIVE, 404, order="PO-00001", warehouse="WH9", line=1, quantity=1)
    supplies(RECEIVE, 404, order="PO-00001", warehouse="WH1", bin="Z9", line=1, quantity=1)
    supplies("item.api.create_item", sku="SCREW", name="Screw")
    assert supplies(RECEIVE, 417, order="PO-00001", warehouse="WH1", item="SCREW", quantity=1)["exc_type"] == (
        "ItemNotOnOrder")
    supplies("item.api.deactivate_item", item="NUT")
    assert supplies(RECEIVE, 403, order="PO-00001", warehouse="WH1", line=2, quantity=1)["error_code"] == "inactive"
    assert StockEntry.select().count() == 0
    assert [line.received for line in PurchaseOrderLine.select()] == [0, 0, 0, 0]
    assert supplies("purchase_order.api.get_purchase_order", order="PO-00001")["status"] == "ordered"


def test_receipts_need_a_placed_open_order(supplies):
    draft = supplies("purchase_order.api.create_purchase_order", vendor="Acme Supply",
                     lines=[{"item": "NUT", "quantity": 1, "unit_cost": 1}])
    refused = supplies(RECEIVE, 417, order=draft["name"], warehouse="WH1", line=1, quantity=1)
    assert "draft: place it first" in refused["exception"]
    supplies("purchase_order.api.cancel_purchase_order", order=draft["name"])
    assert "cancelled" in supplies(RECEIVE, 417, order=draft["name"], warehouse="WH1", line=1, quantity=1)["exception"]


@pytest.mark.parametrize("bad", [
    {"lines": []}, {"lines": [{"quantity": 1}]}, {"lines": [{"line": 1, "item": "BOLT", "quantity": 1}]},
    {"lines": [{"line": 1, "quantity": 0}]}, {"lines": [{"line": 1, "quantity": "1.0001"}]},
    {"lines": [{"line": 1, "quantity": 1}], "quantity": 1}, {"lines": [{"line": 0, "quantity": 1}]},
    {"lines": [{"line": 1, "quantity": 1}] * 201}, {"lines": [{"item": "BIKE", "serial_numbers": ["x"] * 1001}]},
    {"line": 1, "quantity": -2}, {"line": "one", "quantity": 1}, {"quantity": 1}, {"line": 1, "item": "BOLT"},
    {"line": 1, "quantity": 1, "warehouse": ""}, {"line": 1, "quantity": 1, "bin": "b" * 33},
    {"line": 1, "quantity": 1, "reason": "r" * 256}, {"line": 1, "quantity": 1, "batch": "b" * 65},
    {"item": "BIKE", "serial_numbers": ["B-1"], "serial_numbers_text": "B-1"},
])
def test_bad_receipts_answer_417_naming_the_field(placed, supplies, bad):
    body = {"order": "PO-00001", "warehouse": "WH1", **bad}
    refused = supplies(RECEIVE, 417, **body)
    assert set(refused["field_errors"]) & ({*bad} | {"lines"})
    assert StockEntry.select().count() == 0


def test_a_receipt_is_a_stock_receipt_event_with_the_order_as_reference(placed, supplies, client, headers):
    from doctypes.event.model import Event

    subscribe(client, headers, "Stock Receipt Posted")
    supplies(RECEIVE, order="PO-00001", warehouse="WH1", line=2, quantity=3)
    bodies = [json.loads(bytes(event.body))["data"] for event in Event.select()]
    assert [(b["item"], b["quantity"], b["unit_cost"], b["reference"]) for b in bodies] == [("NUT", 3, 1.5, "PO-00001")]


def test_receipts_racing_for_the_last_units_never_over_receive(app, placed, supplies, headers):
    from starlette.testclient import TestClient

    supplies(RECEIVE, order="PO-00001", warehouse="WH1", line=2, quantity=4)  # 6 of 10 nuts left
    with TestClient(app) as client:
        def attempt(_: int) -> int:
            return client.post(API + RECEIVE, json={"order": "PO-00001", "warehouse": "WH1", "line": 2, "quantity": 1},
                               headers=headers).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(attempt, range(20)))
    assert sorted(statuses) == [200] * 6 + [417] * 14
    order = supplies("purchase_order.api.get_purchase_order", order="PO-00001")
    assert (order["lines"][1]["received"], order["status"]) == (10, "partially_received")
    assert stock_of(supplies, "NUT")["quantity"] == 10


def test_a_receipt_racing_a_cancellation_is_one_or_the_other(app, supplies, headers):
    from starlette.testclient import TestClient

    for _ in range(5):
        made = supplies("purchase_order.api.create_purchase_order", vendor="Acme Supply",
                        lines=[{"item": "NUT", "quantity": 1, "unit_cost": 1}])
        supplies("purchase_order.api.place_purchase_order", order=made["id"])
        with TestClient(app) as client, ThreadPoolExecutor(max_workers=2) as pool:
            receipt = pool.submit(client.post, API + RECEIVE, json={
                "order": made["id"], "warehouse": "WH1", "line": 1, "quantity": 1}, headers=headers)
            cancel = pool.submit(client.post, API + "purchase_order.api.cancel_purchase_order",
                                 json={"order": made["id"]}, headers=headers)
            statuses = sorted((receipt.result().status_code, cancel.result().status_code))
        assert statuses == [200, 417]
        status = supplies("purchase_order.api.get_purchase_order", order=made["id"])["status"]
        assert status == ("received" if receipt.result().status_code == 200 else "cancelled")
    assert stock_of(supplies, "NUT")["quantity"] == sum(
        1 for o in supplies("purchase_order.api.list_purchase_orders", status="received")["data"])
