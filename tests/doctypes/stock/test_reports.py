"""Stock reports over HTTP: the valuation (all warehouses or one), the items below their reorder
level, an item's movement history by time; bad inputs; tenancy and sandbox."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.stock.model import StockEntry
from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."
READS = ("get_stock", "list_ledger", "get_valuation", "list_below_reorder")


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        reading = method.endswith(READS)  # GET methods: the arguments in the query
        response = (client.get(API + method, params=body, headers=as_headers or headers) if reading
                    else client.post(API + method, json=body, headers=as_headers or headers))
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture
def stock(call):
    """BOLT at 2.00 and 4.00 in WH1 and WH2, NUT at 0.10 in WH1 (reorder level 50), WASHER never received
    (reorder level 5), OLD inactive (reorder level 5)."""
    call("item.api.create_item", sku="BOLT", name="Bolt M6", reorder_level=10)
    call("item.api.create_item", sku="NUT", name="Nut M6", reorder_level=50)
    call("item.api.create_item", sku="WASHER", name="Washer", reorder_level=5)
    call("item.api.create_item", sku="OLD", name="Old part", reorder_level=5)
    call("item.api.deactivate_item", item="OLD")
    call("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1"])
    call("warehouse.api.create_warehouse", code="WH2", name="Second")
    call("stock.api.receive", item="BOLT", warehouse="WH1", quantity=10, unit_cost=2)
    call("stock.api.receive", item="BOLT", warehouse="WH2", quantity=20, unit_cost=4)
    call("stock.api.receive", item="NUT", warehouse="WH1", bin="A1", quantity=40, unit_cost="0.1")
    return call


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []


def test_the_valuation_of_every_item_and_its_total(stock):
    valuation = stock("stock.api.get_valuation")
    assert valuation["data"] == [
        {"item": "BOLT", "name": "Bolt M6", "unit": "pcs", "quantity": 30, "value": 100.0, "average_cost": 3.3333},
        {"item": "NUT", "name": "Nut M6", "unit": "pcs", "quantity": 40, "value": 4.0, "average_cost": 0.1}]
    assert (valuation["total"], valuation["total_value"], valuation["warehouse"]) == (2, 104.0, None)
    page = stock("stock.api.get_valuation", limit=1, offset=1)
    assert [row["item"] for row in page["data"]] == ["NUT"] and page["total_value"] == 104.0


def test_a_warehouse_is_valued_at_each_items_moving_average_cost(stock):
    first = stock("stock.api.get_valuation", warehouse="wh1")
    # BOLT: 10 of 30 units worth 100.00 -> 33.3333 (rounded toward zero); NUT: all of it.
    assert [(r["item"], r["quantity"], r["value"], r["average_cost"]) for r in first["data"]] == [
        ("BOLT", 10, 33.3333, 3.3333), ("NUT", 40, 4.0, 0.1)]
    assert (first["warehouse"], first["total_value"]) == ("WH1", 37.3333)
    second = stock("stock.api.get_valuation", warehouse="WH2")
    assert [(r["item"], r["quantity"], r["value"]) for r in second["data"]] == [("BOLT", 20, 66.6666)]
    stock("stock.api.issue", item="BOLT", warehouse="WH2", quantity=20)
    assert stock("stock.api.get_valuation", warehouse="WH2")["data"] == []
    assert stock("stock.api.get_valuation")["data"][0]["value"] == 33.3334  # what the book keeps


def test_items_below_their_reorder_level_with_the_shortfall(stock):
    below = stock("stock.api.list_below_reorder")
    assert below["data"] == [
        {"item": "NUT", "name": "Nut M6", "unit": "pcs", "quantity": 40, "reorder_level": 50, "shortfall": 10},
        {"item": "WASHER", "name": "Washer", "unit": "pcs", "quantity": 0, "reorder_level": 5, "shortfall": 5}]
    assert below["total"] == 2  # BOLT holds 30 of 10; OLD is inactive
    stock("stock.api.issue", item="BOLT", warehouse="WH2", quantity=20)  # at its level, 10: not below
    assert [r["item"] for r in stock("stock.api.list_below_reorder", limit=1)["data"]] == ["NUT"]
    stock("stock.api.issue", item="BOLT", warehouse="WH1", quantity="0.5")
    assert stock("stock.api.get_stock", item="BOLT")["below_reorder_level"] is True  # the same rule
    assert [(r["item"], r["shortfall"]) for r in stock("stock.api.list_below_reorder")["data"]] == [
        ("BOLT", 0.5), ("NUT", 10), ("WASHER", 5)]


def test_an_items_movement_history_by_time(stock):
    history = stock("stock.api.list_ledger", item="BOLT", order="created")
    assert [(e["kind"], e["warehouse"], e["quantity"]) for e in history["data"]] == [
        ("receipt", "WH1", 10), ("receipt", "WH2", 20)]
    first, second = (StockEntry.get_by_id(e["id"]) for e in history["data"])
    StockEntry.update(created_at=dt.datetime(2026, 1, 1)).where(StockEntry.id == first.id).execute()
    since = stock("stock.api.list_ledger", item="BOLT", since="2026-06-01T00:00:00Z")
    assert [e["id"] for e in since["data"]] == [second.id] and since["total"] == 1
    until = stock("stock.api.list_ledger", item="BOLT", since="2026-01-01T01:00:00+02:00", until="2026-01-02T00:00:00")
    assert [e["id"] for e in until["data"]] == [first.id]
    assert stock("stock.api.list_ledger", item="BOLT", until="2026-01-01T00:00:00")["total"] == 0  # until excluded


@pytest.mark.parametrize(("method", "query", "field"), [
    ("get_valuation", {"limit": 0}, "limit"),
    ("get_valuation", {"limit": 1001}, "limit"),
    ("get_valuation", {"offset": -1}, "offset"),
    ("get_valuation", {"warehouse": "x" * 33}, "warehouse"),
    ("get_valuation", {"colour": "red"}, "colour"),
    ("list_below_reorder", {"offset": 2**40}, "offset"),
    ("list_below_reorder", {"warehouse": "WH1"}, "warehouse"),
    ("list_ledger", {"since": "yesterday"}, "since"),
    ("list_ledger", {"since": "2026-01-02T00:00:00", "until": "2026-01-01T00:00:00"}, "until"),
    ("list_ledger", {"until": "0001-01-01T00:00:00+05:00"}, "until"),
])
def test_bad_arguments_are_refused_naming_the_field(stock, method, query, field):
    refused = stock(f"stock.api.{method}", 417, **query)
    assert field in refused["field_errors"]


def test_an_unknown_warehouse_is_404(stock):
    refused = stock("stock.api.get_valuation", 404, warehouse="NOPE")
    assert refused["field_errors"]["warehouse"]


def test_other_workspaces_and_the_sandbox_see_none_of_it(stock, make_workspace, workspace):
    other = key_headers(make_workspace("other"))
    assert stock("stock.api.get_valuation", as_headers=other) == {
        "data": [], "total": 0, "limit": 100, "offset": 0, "warehouse": None, "total_value": 0.0}
    assert stock("stock.api.list_below_reorder", as_headers=other)["data"] == []
    stock("stock.api.get_valuation", 404, as_headers=other, warehouse="WH1")
    sandbox = key_headers(workspace, "sandbox")
    assert stock("stock.api.get_valuation", as_headers=sandbox)["data"] == []
    stock("item.api.create_item", as_headers=sandbox, sku="NUT", name="Sandbox nut", reorder_level=1000)
    stock("warehouse.api.create_warehouse", as_headers=sandbox, code="WH1", name="Sandbox")
    stock("stock.api.receive", as_headers=sandbox, item="NUT", warehouse="WH1", quantity=999, unit_cost=1)
    assert [(r["item"], r["value"]) for r in stock("stock.api.get_valuation", as_headers=sandbox)["data"]] == [
        ("NUT", 999.0)]
    assert [(r["item"], r["shortfall"]) for r in stock("stock.api.list_below_reorder", as_headers=sandbox)["data"]] == [
        ("NUT", 1)]
    assert stock("stock.api.get_valuation")["total_value"] == 104.0  # live is as it was
