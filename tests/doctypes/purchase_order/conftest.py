"""Fixtures for the purchase order tests: a `call` over HTTP, a vendor with a catalogue, items
and a warehouse; and after every test, the stock levels agree with the ledger."""

from __future__ import annotations

import pytest

from doctypes.stock.reports import differences
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        if method.rpartition(".")[2].startswith(("get_", "list_")):  # GET methods: arguments in the query
            response = client.get(API + method, params=body, headers=as_headers or headers)
        else:
            response = client.post(API + method, json=body, headers=as_headers or headers)
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture
def supplies(call):
    """Acme Supply (vendor) offering BOLT at 0.25 (minimum 100) and PAINT at 8; BIKE (serial),
    PAINT (batch), NUT (no offer); Shop, a customer only; warehouse WH1 with bins MAIN and A1."""
    call("party.api.upsert_party", name="Acme Supply", roles=["vendor"])
    call("party.api.upsert_party", name="Shop", roles=["customer"])
    call("item.api.create_item", sku="BOLT", name="Bolt M6")
    call("item.api.create_item", sku="NUT", name="Nut M6")
    call("item.api.create_item", sku="PAINT", name="Paint, blue", tracking="batch", unit="l")
    call("item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    call("vendor_item.api.set_vendor_item", vendor="Acme Supply", item="BOLT", price="0.25", minimum_order=100)
    call("vendor_item.api.set_vendor_item", vendor="Acme Supply", item="PAINT", price=8)
    call("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1"])
    return call


@pytest.fixture
def placed(supplies):
    """PO-00001 from Acme Supply, placed: 1 BOLT x 200 at the catalogue's 0.25, 2 NUT x 10 at 1.5,
    3 BIKE x 2 at 300, 4 PAINT x 5 l at 8."""
    supplies("purchase_order.api.create_purchase_order", vendor="Acme Supply", lines=[
        {"item": "BOLT", "quantity": 200}, {"item": "NUT", "quantity": 10, "unit_cost": "1.5"},
        {"item": "BIKE", "quantity": 2, "unit_cost": 300}, {"item": "PAINT", "quantity": 5}])
    return supplies("purchase_order.api.place_purchase_order", order="PO-00001")


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []
