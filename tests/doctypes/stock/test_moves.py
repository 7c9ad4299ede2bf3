"""Stock moves over HTTP: receipts, issues, transfers, adjustments and counts; tracking by batch
and serial; the moving-average value; refusals that change nothing; tenancy and sandbox; and
after every test, the levels agree with the ledger (`traciqo-rpc stock check`'s rule)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.stock.model import StockEntry
from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def post(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        reading = method.endswith(("get_stock", "list_ledger"))  # GET methods: the arguments in the query
        response = (client.get(API + method, params=body, headers=as_headers or headers) if reading
                    else client.post(API + method, json=body, headers=as_headers or headers))
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return post


@pytest.fixture
def stock(call):
    """BOLT (plain), PAINT (by batch), BIKE (by serial); WH1 with bins MAIN and A1, and WH2."""
    call("item.api.create_item", sku="BOLT", name="Bolt M6")
    call("item.api.create_item", sku="PAINT", name="Paint, blue", tracking="batch", unit="l")
    call("item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    call("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1"])
    call("warehouse.api.create_warehouse", code="WH2", name="Second")
    return call


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []


def level(call, sku: str, warehouse: str | None = None, as_headers: dict | None = None) -> dict:
    query = {"item": sku, **({"warehouse": warehouse} if warehouse else {})}
    return call("stock.api.get_stock", as_headers=as_headers, **query)


def test_receive_issue_and_the_moving_average_value(stock):
    first = stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10, unit_cost="2.00", reason="PO 1")
    assert (first["kind"], first["quantity"], first["target"], first["level_after"]) == ("receipt", 10, "WH1/MAIN", 10)
    stock("stock.api.receive", item="BOLT", warehouse="WH1", bin="A1", quantity=10, unit_cost=4)
    held = level(stock, "BOLT")
    assert (held["quantity"], held["value"], held["average_cost"]) == (20, 60.0, 3.0)
    assert held["levels"] == [{"warehouse": "WH1", "bin": "A1", "batch": None, "quantity": 10},
                              {"warehouse": "WH1", "bin": "MAIN", "batch": None, "quantity": 10}]
    out = stock("stock.api.issue", item="BOLT", warehouse="WH1", quantity="2.5", reason="line 3")
    assert (out["source"], out["level_after"]) == ("WH1/MAIN", 7.5)
    held = level(stock, "BOLT")
    assert (held["quantity"], held["value"], held["average_cost"]) == (17.5, 52.5, 3.0)
    ledger = stock("stock.api.list_ledger", item="BOLT")
    assert [(e["kind"], e["quantity"], e["value_change"]) for e in ledger["data"]] == [
        ("issue", -2.5, -7.5), ("receipt", 10, 40.0), ("receipt", 10, 20.0)]
    assert ledger["data"][0]["reason"] == "line 3" and ledger["data"][0]["created_by"]


def test_an_issue_past_the_level_names_the_shortfall_and_changes_nothing(stock):
    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=3)
    refused = stock("stock.api.issue", 417, item="BOLT", warehouse="WH1", quantity=5)
    assert "3 there, 5 asked, 2 short" in refused["exception"] and refused["field_errors"]["quantity"]
    assert level(stock, "BOLT")["quantity"] == 3 and StockEntry.select().count() == 1
    stock("stock.api.issue", 417, item="BOLT", warehouse="WH1", bin="A1", quantity=1)  # another bin holds none


def test_a_move_past_what_the_columns_hold_is_refused(stock):
    refused = stock("stock.api.receive", 417, item="BOLT", warehouse="WH1", quantity=10**11, unit_cost=10**11)
    assert "past what can be kept" in refused["exception"] and StockEntry.select().count() == 0
    for _ in range(2):  # each fits alone (4e13 of the currency); a third would take the item's value past 1e14
        stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10**11, unit_cost=400)
    stock("stock.api.receive", 417, item="BOLT", warehouse="WH1", quantity=10**11, unit_cost=400)
    assert level(stock, "BOLT")["quantity"] == 2 * 10**11


def test_transfers_between_bins_and_warehouses_keep_the_value(stock):
    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10, unit_cost=1)
    moved = stock("stock.api.transfer", item="BOLT", from_warehouse="WH1", to_warehouse="WH2", quantity=4)
    assert moved["level_after"] == {"source": 6, "target": 4} and moved["entries"] == 2
    stock("stock.api.transfer", item="BOLT", from_warehouse="WH1", to_warehouse="WH1", to_bin="A1", quantity=1)
    assert level(stock, "BOLT", "WH2")["levels"] == [{"warehouse": "WH2", "bin": "MAIN", "batch": None, "quantity": 4}]
    held = level(stock, "BOLT")
    assert (held["quantity"], held["value"]) == (10, 10.0)
    same = stock("stock.api.transfer", 417, item="BOLT", from_warehouse="WH1", to_warehouse="WH1", quantity=1)
    assert "to_bin" in same["field_errors"]
    stock("stock.api.transfer", 417, item="BOLT", from_warehouse="WH2", to_warehouse="WH1", quantity=5)


def test_serial_tracked_items_move_by_serial(stock):
    got = stock("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=["B-1", "B-2", "B-3"], unit_cost=100)
    assert (got["quantity"], got["entries"]) == (3, 3)
    again = stock("stock.api.receive", 409, item="BIKE", warehouse="WH2", serial_numbers=["B-3", "B-4"])
    assert "B-3" in again["exception"] and "B-4" not in again["exception"]
    stock("stock.api.transfer", item="BIKE", from_warehouse="WH1", to_warehouse="WH2", serial_numbers=["B-2"])
    missing = stock("stock.api.issue", 417, item="BIKE", warehouse="WH1", serial_numbers=["B-1", "B-2"])
    assert "Not in WH1/MAIN: B-2" in missing["exception"]
    stock("stock.api.issue", item="BIKE", warehouse="WH2", serial_numbers=["B-2"])
    held = level(stock, "BIKE")
    assert (held["quantity"], held["serials_in_stock"], held["value"]) == (2, 2, 200.0)
    stock("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=["B-2"])  # a return: in stock again
    for wrong in ({"quantity": 1}, {"serial_numbers": ["B-9", "B-9"]}, {"serial_numbers": ["B-9"], "quantity": 2}):
        stock("stock.api.receive", 417, item="BIKE", warehouse="WH1", **wrong)
    stock("stock.api.receive", 417, item="BOLT", warehouse="WH1", serial_numbers=["X"])


def test_a_move_of_many_serials_is_copied_into_the_ledger(stock):
    serials = [f"SN-{n:04}" for n in range(300)]  # past statements.ROWS_PER_INSERT: copied in
    moved = stock("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=serials, unit_cost=100)
    assert moved["entries"] == 300 and level(stock, "BIKE")["serials_in_stock"] == 300
    stock("stock.api.transfer", item="BIKE", from_warehouse="WH1", to_warehouse="WH2", serial_numbers=serials[:120])
    entries = StockEntry.select().where(StockEntry.item_id == StockEntry.select(StockEntry.item_id).limit(1))
    assert entries.count() == 300 + 240
    newest = stock("stock.api.list_ledger", item="BIKE", limit=1)["data"][0]
    assert newest["kind"] == "transfer" and newest["created_at"] >= moved["created_at"]
    # Of many serials, the few already in stock are named and nothing moves.
    again = [f"SN-{n:04}" for n in range(290, 360)]
    refused = stock("stock.api.receive", 409, item="BIKE", warehouse="WH1", serial_numbers=again)
    assert refused["field_errors"]["serial_numbers"] == [f"Already in stock: {', '.join(again[:10])}"]
    assert entries.count() == 300 + 240 and level(stock, "BIKE")["serials_in_stock"] == 300


def test_batch_tracked_items_move_by_batch(stock):
    stock("stock.api.receive", item="PAINT", warehouse="WH1", quantity="2.5", batch="L-7")
    stock("stock.api.receive", item="PAINT", warehouse="WH1", quantity=1, batch="L-8")
    assert [row["batch"] for row in level(stock, "PAINT")["levels"]] == ["L-7", "L-8"]
    stock("stock.api.issue", 417, item="PAINT", warehouse="WH1", quantity=2)  # no batch
    stock("stock.api.issue", 417, item="PAINT", warehouse="WH1", quantity=2, batch="L-8")  # that batch has 1
    stock("stock.api.issue", item="PAINT", warehouse="WH1", quantity=2, batch="L-7")
    stock("stock.api.receive", 417, item="BOLT", warehouse="WH1", quantity=1, batch="L-1")


def test_adjustments_and_counts_post_the_difference(stock):
    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10)
    assert stock("stock.api.adjust", item="BOLT", warehouse="WH1", change=-2, reason="broken")["level_after"] == 8
    assert stock("stock.api.adjust", item="BOLT", warehouse="WH1", change=1, reason="found")["level_after"] == 9
    counted = stock("stock.api.count", item="BOLT", warehouse="WH1", counted=7, reason="cycle count")
    assert (counted["expected"], counted["difference"], counted["level_after"], counted["kind"]) == (9, -2, 7, "count")
    same = stock("stock.api.count", item="BOLT", warehouse="WH1", counted=7)
    assert (same["move"], same["difference"]) == (None, 0)
    assert stock("stock.api.count", item="BOLT", warehouse="WH1", bin="A1", counted=3)["difference"] == 3
    stock("stock.api.count", 417, item="BIKE", warehouse="WH1", counted=1)
    kinds = [e["kind"] for e in stock("stock.api.list_ledger", item="BOLT", order="created")["data"]]
    assert kinds == ["receipt", "adjustment", "adjustment", "count", "count"]


def test_an_item_that_may_go_below_zero(stock):
    stock("item.api.create_item", sku="WATER", name="Water", allow_negative_stock=True)
    assert stock("stock.api.issue", item="WATER", warehouse="WH1", quantity=5)["level_after"] == -5
    assert stock("stock.api.receive", item="WATER", warehouse="WH1", quantity=2)["level_after"] == -3


def test_inactive_items_and_unknown_places_are_refused(stock):
    stock("item.api.deactivate_item", item="BOLT")
    refused = stock("stock.api.receive", 403, item="BOLT", warehouse="WH1", quantity=1)
    assert (refused["error_code"], refused["exception"]) == ("inactive", "Item is inactive")
    stock("stock.api.receive", 404, item="NOPE", warehouse="WH1", quantity=1)
    stock("stock.api.receive", 404, item="PAINT", warehouse="WH9", quantity=1, batch="L")
    stock("stock.api.receive", 404, item="PAINT", warehouse="WH1", bin="Z9", quantity=1, batch="L")


@pytest.mark.parametrize("bad", [
    {"quantity": 0}, {"quantity": -1}, {"quantity": "x"}, {"quantity": "1.0001"}, {"quantity": 10**13},
    {"quantity": True}, {"quantity": [1]}, {"unit_cost": -1}, {"unit_cost": "0.00001"}, {"item": ""},
    {"item": "x" * 65}, {"warehouse": None}, {"serial_numbers": ["x"] * 1001}, {"serial_numbers": [""]},
    {"reason": "r" * 256}, {"batch": "b" * 65},
])
def test_bad_receipts_answer_417_naming_the_field(stock, bad):
    body = {"item": "BOLT", "warehouse": "WH1", "quantity": 1, **bad}
    refused = stock("stock.api.receive", 417, **body)
    assert set(refused["field_errors"]) & set(bad)
    assert StockEntry.select().count() == 0


def test_other_workspaces_and_the_sandbox_see_nothing(stock, make_workspace, workspace):
    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=5)
    other = key_headers(make_workspace("other"))
    stock("stock.api.get_stock", 404, as_headers=other, item="BOLT")
    stock("stock.api.issue", 404, as_headers=other, item="BOLT", warehouse="WH1", quantity=1)
    assert stock("stock.api.list_ledger", as_headers=other)["total"] == 0
    sandbox = key_headers(workspace, "sandbox")
    stock("stock.api.get_stock", 404, as_headers=sandbox, item="BOLT")
    stock("item.api.create_item", as_headers=sandbox, sku="BOLT", name="Sandbox bolt")
    stock("warehouse.api.create_warehouse", as_headers=sandbox, code="WH1", name="Sandbox")
    stock("stock.api.receive", as_headers=sandbox, item="BOLT", warehouse="WH1", quantity=50)
    assert level(stock, "BOLT")["quantity"] == 5 and level(stock, "BOLT", as_headers=sandbox)["quantity"] == 50
    assert stock("stock.api.list_ledger", as_headers=sandbox)["total"] == 1


def test_a_read_only_key_may_not_move_stock(stock, client, workspace):
    read_only = client.post(API + "api_key.api.create_api_key",
                            json={"name": "reader", "scopes": ["read"]}, headers=key_headers(workspace)).json()["message"]
    reader = {"X-Traciqo-API-Key": read_only["api_key"], "X-Traciqo-API-Secret": read_only["api_secret"]}
    stock("stock.api.receive", 403, as_headers=reader, item="BOLT", warehouse="WH1", quantity=1)
    assert level(stock, "BOLT", as_headers=reader)["quantity"] == 0


def test_fifty_concurrent_issues_of_the_last_ten_units_give_exactly_ten(app, stock, headers):
    from starlette.testclient import TestClient

    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10, unit_cost=1)
    with TestClient(app) as client:
        def attempt(_: int) -> int:
            return client.post(API + "stock.api.issue", json={"item": "BOLT", "warehouse": "WH1", "quantity": 1},
                               headers=headers).status_code

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(attempt, range(50)))
    assert sorted(statuses) == [200] * 10 + [417] * 40
    held = level(stock, "BOLT")
    assert (held["quantity"], held["value"]) == (0, 0.0)


def test_receipts_and_falling_below_the_reorder_level_are_events(stock, client, headers):
    import json

    from doctypes.event.model import Event
    from tests.support.helpers import subscribe

    subscribe(client, headers, "Stock Receipt Posted", "Stock Low")
    stock("item.api.create_item", sku="NUT", name="Nut", reorder_level=5)
    stock("stock.api.receive", item="NUT", warehouse="WH1", quantity=8, unit_cost="0.5", reference="PO-9")
    stock("stock.api.issue", item="NUT", warehouse="WH1", quantity=2)  # 6: still at or above 5
    stock("stock.api.issue", item="NUT", warehouse="WH1", quantity=2)  # 4: below, once
    stock("stock.api.issue", item="NUT", warehouse="WH1", quantity=1)  # 3: already below, no new event
    events = [(e.name, json.loads(bytes(e.body))["data"]) for e in Event.select().order_by(Event.created_at, Event.id)]
    assert [name for name, _ in events] == ["Stock Receipt Posted", "Stock Low"]
    receipt, low = events[0][1], events[1][1]
    assert (receipt["item"], receipt["quantity"], receipt["unit_cost"], receipt["reference"]) == ("NUT", 8, 0.5, "PO-9")
    assert (low["item"], low["quantity"], low["reorder_level"]) == ("NUT", 4, 5)


def test_an_item_keeps_its_tracking_once_it_has_moved(stock):
    stock("item.api.update_item", item="BOLT", tracking="batch")  # not moved yet: allowed
    stock("item.api.update_item", item="BOLT", tracking="none")
    stock("stock.api.receive", item="BOLT", warehouse="WH1", quantity=1)
    refused = stock("item.api.update_item", 417, item="BOLT", tracking="serial")
    assert "tracking" in refused["field_errors"]
    stock("item.api.update_item", item="BOLT", name="Bolt M6, zinc")  # other fields still change
