"""Fixtures the sales order and shipment tests share: a caller of methods, a shop with stock and
customers, and the check that after every test the stock levels agree with the ledger."""

from __future__ import annotations

import pytest

from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."
GET_METHODS = ("get_sales_order", "list_sales_orders", "get_shipment", "list_shipments", "get_stock", "list_ledger")


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        reading = method.endswith(GET_METHODS)  # GET methods: the arguments in the query
        response = (client.get(API + method, params=body, headers=as_headers or headers) if reading
                    else client.post(API + method, json=body, headers=as_headers or headers))
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture
def shop(call):
    """BOLT (100 in WH1/MAIN), PAINT (batch L-1: 10), BIKE (serials B-1..B-5); customer ACME, vendor-only SUPPLY."""
    call("item.api.create_item", sku="BOLT", name="Bolt M6")
    call("item.api.create_item", sku="PAINT", name="Paint, blue", tracking="batch", unit="l")
    call("item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    call("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1"])
    call("stock.api.receive", item="BOLT", warehouse="WH1", quantity=100, unit_cost=2)
    call("stock.api.receive", item="PAINT", warehouse="WH1", quantity=10, batch="L-1", unit_cost=5)
    call("stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=[f"B-{n}" for n in range(1, 6)],
         unit_cost=300)
    call("party.api.upsert_party", name="ACME", roles=["customer"])
    call("party.api.upsert_party", name="SUPPLY", roles=["vendor"])
    return call


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []


def order(call, *lines: tuple, confirm: bool = True, **extra) -> dict:
    """A confirmed order of ACME for (item, quantity[, unit_price]) lines."""
    return call("sales_order.api.create_sales_order", customer="ACME", confirm=confirm, lines=[
        dict(zip(("item", "quantity", "unit_price"), line, strict=False)) for line in lines], **extra)
