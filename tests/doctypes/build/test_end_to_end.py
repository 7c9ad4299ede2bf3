"""From empty stock to serialised units a customer registers: a sub-assembly built first, then
the product from it, sold and shipped by serial; the shipped serial number activates a warranty
and the units' codes verify.
And the codes' plan limit: a build past it is refused whole, the sandbox's never counts."""

from __future__ import annotations

import pytest

from doctypes.auth_code.model import AuthCode
from doctypes.build.model import Build
from doctypes.stock.model import StockEntry
from doctypes.stock.reports import differences
from doctypes.workspace.model import Workspace
from tests.support.helpers import key_headers

API = "/api/method/doctypes."


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []


@pytest.fixture
def call(client):
    def send(method: str, headers: dict, expect: int = 200, **body):
        response = client.post(API + method, json=body, headers=headers)
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


def bike_shop(call, headers: dict) -> None:
    """BIKE (serial, a product with a 24-month warranty) = FRAME + 2 WHEEL; WHEEL = RIM + 32 SPOKE."""
    product = call("product.api.upsert_product", headers, name="Bike", brand="Acme", warranty_months=24)
    call("item.api.create_item", headers, sku="BIKE", name="Bike", tracking="serial", product_id=product["id"])
    for sku in ("FRAME", "WHEEL", "RIM", "SPOKE"):
        call("item.api.create_item", headers, sku=sku, name=sku.title())
    call("warehouse.api.create_warehouse", headers, code="WH1", name="Works", bins=["FG"])
    call("bom.api.create_bom", headers, item="WHEEL", lines_text="RIM 1\nSPOKE 32")
    call("bom.api.create_bom", headers, item="BIKE", lines=[{"item": "FRAME", "quantity": 1},
                                                            {"item": "WHEEL", "quantity": 2}])
    for sku, quantity, cost in (("FRAME", 2, 50), ("RIM", 4, 10), ("SPOKE", 128, "0.25")):
        call("stock.api.receive", headers, item=sku, warehouse="WH1", quantity=quantity, unit_cost=cost)


def test_a_multi_level_build_whose_units_get_warranties_and_verify(call, client, workspace):
    headers = key_headers(workspace)
    bike_shop(call, headers)
    wheels = call("build.api.create_build", headers, item="WHEEL", quantity=4, warehouse="WH1")
    assert call("build.api.complete_build", headers, build=wheels["id"])["unit_cost"] == 18.0  # 10 + 32 x 0.25
    bikes = call("build.api.create_build", headers, item="BIKE", quantity=2, warehouse="WH1", output_bin="FG",
                 serial_prefix="BK-", with_codes=True)
    assert [(r["item"], r["needed"], r["short"]) for r in bikes["requirements"]] == [("FRAME", 2, 0), ("WHEEL", 4, 0)]
    done = call("build.api.complete_build", headers, build=bikes["id"])
    assert done["serial_numbers"] == ["BK-000001", "BK-000002"] and len(done["codes"]) == 2
    assert (done["unit_cost"], done["code_batch"]) == (86.0, f"BUILD-{bikes['id']}")  # 50 + 2 x 18
    stock = client.get(API + "stock.api.get_stock", params={"item": "BIKE"}, headers=headers).json()["message"]
    assert (stock["quantity"], stock["value"], stock["levels"][0]["bin"]) == (2, 172.0, "FG")

    # Sold and shipped: the picked unit leaves stock, and the customer registers it.
    call("party.api.upsert_party", headers, name="Cy Clist", email="cy@example.com", roles=["customer"])
    order = call("sales_order.api.create_sales_order", headers, customer="Cy Clist", confirm=True,
                 lines=[{"item": "BIKE", "quantity": 1, "unit_price": 300}])
    shipped = call("shipment.api.create_shipment", headers, order=order["number"], warehouse="WH1", bin="FG",
                   lines=[{"item": "BIKE", "serial_numbers": ["BK-000002"]}])
    assert shipped["lines"][0]["serial_numbers"] == ["BK-000002"]
    order = client.get(API + "sales_order.api.get_sales_order", params={"order": order["id"]},
                       headers=headers).json()["message"]
    assert order["status"] == "shipped"
    stock = client.get(API + "stock.api.get_stock", params={"item": "BIKE"}, headers=headers).json()["message"]
    assert (stock["quantity"], stock["serials_in_stock"]) == (1, 1)

    warranty = call("warranty.api.activate_warranty", headers, serial_number="BK-000002", customer_name="Cy Clist",
                    customer_email="cy@example.com")
    item = client.get(API + "item.api.get_item", params={"item": "BIKE"}, headers=headers).json()["message"]
    assert warranty["product_id"] == item["product_id"]
    assert warranty["status"] == "active"
    for code in done["codes"]:
        verdict = client.get(API + "auth_code.api.verify_code", params={"code": code}).json()["message"]
        assert verdict["genuine"] is True and verdict["batch"] == done["code_batch"]
    batch = client.get(API + "auth_code.api.get_batch", params={"batch": done["code_batch"]},
                       headers=headers).json()["message"]
    assert batch["quantity"] == 2


def test_codes_past_the_plan_limit_refuse_the_whole_build(call, workspace):
    headers = key_headers(workspace)
    bike_shop(call, headers)
    call("stock.api.receive", headers, item="WHEEL", warehouse="WH1", quantity=4, unit_cost=18)
    limit = 100_000  # the pro plan's
    Workspace.update(live_codes_issued=limit - 1).where(Workspace.name == "acme").execute()
    build = call("build.api.create_build", headers, item="BIKE", quantity=2, warehouse="WH1", serial_prefix="BK-",
                 with_codes=True)
    assert (build["codes_available"], build["ready"]) == (1, False)
    entries = StockEntry.select().count()
    refused = call("build.api.complete_build", headers, 417, build=build["id"])
    assert refused["error_code"] == "limit_exceeded" and "quantity" in refused["field_errors"]
    assert StockEntry.select().count() == entries and AuthCode.select().count() == 0
    assert Build.get_by_id(build["id"]).status == "planned"

    sandbox = key_headers(workspace, "sandbox")
    bike_shop(call, sandbox)
    call("stock.api.receive", sandbox, item="WHEEL", warehouse="WH1", quantity=4, unit_cost=18)
    mine = call("build.api.create_build", sandbox, item="BIKE", quantity=2, warehouse="WH1", serial_prefix="SB-",
                with_codes=True)
    assert mine["codes_available"] is None and mine["ready"]
    assert len(call("build.api.complete_build", sandbox, build=mine["id"])["codes"]) == 2
    assert Workspace.get(Workspace.name == "acme").live_codes_issued == limit - 1
