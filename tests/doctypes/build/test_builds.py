"""Builds over HTTP: plan against what the warehouse holds, complete (components consumed, units
produced at their value, in one transaction), cancel; serial numbers given or generated, batch
output, serial-tracked components picked or named; refusals that change nothing; tenancy and
sandbox on every method; and after every test, the levels agree with the ledger."""

from __future__ import annotations

import json

import pytest

from doctypes.build.model import Build
from doctypes.serial_number.model import SerialNumber
from doctypes.stock.model import StockEntry
from doctypes.stock.reports import differences
from tests.support.helpers import key_headers, subscribe

API = "/api/method/doctypes."
READS = ("get_build", "list_builds", "get_stock", "list_ledger", "explode_bom", "list_boms", "get_warranty")


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def call(client, headers):
    def send(method: str, expect: int = 200, as_headers: dict | None = None, **body):
        response = (client.get(API + method, params=body, headers=as_headers or headers) if method.endswith(READS)
                    else client.post(API + method, json=body, headers=as_headers or headers))
        assert response.status_code == expect, response.text
        return response.json().get("message", response.json())
    return send


@pytest.fixture(autouse=True)
def ledger_agrees():
    yield
    assert differences() == []


@pytest.fixture
def shop(call):
    """KIT (plain) = FRAME + 0.25 m CABLE + 2 BOLT; LAMP (serial) = BULB (serial) + BOLT; WH1 (bins A1, A2), WH2."""
    for sku, tracking in (("KIT", "none"), ("FRAME", "none"), ("CABLE", "none"), ("BOLT", "none"), ("LAMP", "serial"),
                          ("BULB", "serial"), ("PAINT", "batch")):
        call("item.api.create_item", sku=sku, name=sku.title(), tracking=tracking)
    call("warehouse.api.create_warehouse", code="WH1", name="Main", bins=["A1", "A2"])
    call("warehouse.api.create_warehouse", code="WH2", name="Second")
    call("bom.api.create_bom", item="KIT", lines=[{"item": "FRAME", "quantity": 1}, {"item": "CABLE", "quantity": "0.25"},
                                                  {"item": "BOLT", "quantity": 2}])
    call("bom.api.create_bom", item="LAMP", lines=[{"item": "BULB", "quantity": 1}, {"item": "BOLT", "quantity": 1}])
    return call


def receive(call, sku: str, quantity, unit_cost, bin: str = "MAIN", **extra) -> None:
    call("stock.api.receive", item=sku, warehouse="WH1", bin=bin, quantity=quantity, unit_cost=unit_cost, **extra)


def needs(answer: dict) -> list[tuple]:
    return [(r["item"], r["needed"], r["available"], r["short"]) for r in answer["requirements"]]


def test_plan_create_and_complete_a_build_whose_value_flows(shop):
    receive(shop, "FRAME", 5, 10)
    receive(shop, "CABLE", 2, 4)
    receive(shop, "BOLT", 4, "0.5", bin="A2")
    receive(shop, "BOLT", 4, "0.5", bin="A1")
    plan = shop("build.api.plan_build", item="KIT", quantity=4, warehouse="WH1")
    assert needs(plan) == [("FRAME", 4, 5, 0), ("CABLE", 1, 2, 0), ("BOLT", 8, 8, 0)] and plan["ready"]
    assert Build.select().count() == 0  # a plan saves nothing
    build = shop("build.api.create_build", item="KIT", quantity=4, warehouse="WH1", output_warehouse="WH2", note="n")
    assert (build["status"], build["bom_version"], build["output_warehouse"], build["output_bin"]) == (
        "planned", 1, "WH2", "MAIN")
    assert needs(shop("build.api.get_build", build=build["id"])) == needs(plan)
    done = shop("build.api.complete_build", build=build["id"])
    assert (done["status"], done["consumed_value"], done["unit_cost"], done["codes"]) == ("completed", 48.0, 12.0, [])
    assert needs(done)[0] == ("FRAME", 4, None, None) and done["ready"] is None
    kit = shop("stock.api.get_stock", item="KIT")
    assert (kit["quantity"], kit["value"], kit["levels"][0]["warehouse"]) == (4, 48.0, "WH2")
    ledger = shop("stock.api.list_ledger", order="created")["data"][-5:]
    assert [(e["kind"], e["item"], e["bin"], e["quantity"], e["reference"]) for e in ledger] == [
        ("build_consume", "FRAME", "MAIN", -4, build["id"]), ("build_consume", "CABLE", "MAIN", -1, build["id"]),
        ("build_consume", "BOLT", "A1", -4, build["id"]), ("build_consume", "BOLT", "A2", -4, build["id"]),
        ("build_produce", "KIT", "MAIN", 4, build["id"])]
    assert shop("stock.api.get_stock", item="BOLT")["quantity"] == 0
    again = shop("build.api.complete_build", 417, build=build["id"])
    assert "completed" in again["exception"]
    shop("build.api.cancel_build", 417, build=build["id"])


def test_a_shortfall_names_every_short_component_and_changes_nothing(shop):
    receive(shop, "FRAME", 1, 10)
    receive(shop, "BOLT", 3, 1, bin="A1")
    build = shop("build.api.create_build", item="KIT", quantity=2, warehouse="WH1")
    assert needs(build) == [("FRAME", 2, 1, 1), ("CABLE", 0.5, 0, 0.5), ("BOLT", 4, 3, 1)] and not build["ready"]
    entries = StockEntry.select().count()
    refused = shop("build.api.complete_build", 417, build=build["id"])
    assert refused["field_errors"]["components"] == [  # in the order the items were created (ids are time-first)
        "FRAME: 1 pcs short (2 needed, 1 in WH1)", "CABLE: 0.5 pcs short (0.5 needed, 0 in WH1)",
        "BOLT: 1 pcs short (4 needed, 3 in WH1)"]
    assert StockEntry.select().count() == entries
    assert shop("build.api.get_build", build=build["id"])["status"] == "planned"
    only_a2 = shop("build.api.create_build", item="KIT", quantity=1, warehouse="WH1", bin="A2")
    assert needs(only_a2)[2] == ("BOLT", 2, 0, 2)  # A1's bolts are not in A2


def test_sub_assemblies_from_stock_or_made_on_the_way(shop):
    shop("item.api.create_item", sku="BOX", name="Box of kits")
    shop("bom.api.create_bom", item="BOX", lines=[{"item": "KIT", "quantity": 2}, {"item": "BOLT", "quantity": 1}])
    receive(shop, "FRAME", 2, 10)
    receive(shop, "CABLE", 1, 4)
    receive(shop, "BOLT", 5, 1)
    direct = shop("build.api.plan_build", item="BOX", quantity=1, warehouse="WH1")
    assert needs(direct) == [("KIT", 2, 0, 2), ("BOLT", 1, 5, 0)]
    exploded = shop("build.api.create_build", item="BOX", quantity=1, warehouse="WH1", explode=True)
    assert needs(exploded) == [("FRAME", 2, 2, 0), ("CABLE", 0.5, 1, 0), ("BOLT", 5, 5, 0)]
    shop("build.api.complete_build", build=exploded["id"])
    assert shop("stock.api.get_stock", item="BOX")["quantity"] == 1
    assert shop("stock.api.get_stock", item="KIT")["quantity"] == 0  # never in stock: made on the way
    assert shop("bom.api.explode_bom", item="KIT")["bom"] and all(
        b["locked"] for b in shop("bom.api.list_boms", default_only=True)["data"] if b["item"] in ("BOX", "KIT"))


def test_serial_tracked_output_and_components(shop, client, headers):
    receive(shop, "BOLT", 10, 1)
    shop("stock.api.receive", item="BULB", warehouse="WH1", bin="A2", serial_numbers=["U-3", "U-4"], unit_cost=3)
    shop("stock.api.receive", item="BULB", warehouse="WH1", bin="A1", serial_numbers=["U-9"], unit_cost=3)
    first = shop("build.api.create_build", item="LAMP", quantity=2, warehouse="WH1", serial_prefix="L-")
    second = shop("build.api.create_build", item="LAMP", quantity=1, warehouse="WH1", serial_prefix="L-")
    given = shop("build.api.create_build", item="LAMP", quantity=1, warehouse="WH1", serial_numbers=["MY-1"])
    assert first["serial_numbers"] == ["L-000001", "L-000002"] and second["serial_numbers"] == ["L-000003"]
    done = shop("build.api.complete_build", build=first["id"])  # picked in bin order: A1's U-9, then A2's U-3
    assert SerialNumber.select().where(SerialNumber.serial.in_(["L-000001", "L-000002"])).count() == 2
    consumed = [e["serial"] for e in shop("stock.api.list_ledger", kind="build_consume", item="BULB")["data"]]
    assert sorted(consumed) == ["U-3", "U-9"] and done["unit_cost"] == 4.0
    wrong = shop("build.api.complete_build", 417, build=second["id"], components={"BULB": ["U-3"]})
    assert "U-3" in wrong["exception"]  # consumed already: not in WH1
    shop("build.api.complete_build", 417, build=second["id"], components={"BULB": ["U-4", "U-5"]})  # one needed
    shop("build.api.complete_build", 417, build=second["id"], components={"BOLT": ["X"]})  # not serial-tracked
    form = client.post(API + "build.api.complete_build", headers=headers,
                       data={"build": second["id"], "component_serials_text": "bulb U-4\n"})
    assert form.status_code == 200, form.text
    short = shop("build.api.complete_build", 417, build=given["id"])
    assert "BULB: 1 pcs short" in short["exception"]
    assert shop("stock.api.get_stock", item="LAMP")["serials_in_stock"] == 3


@pytest.mark.parametrize("body, status, field", [
    ({"item": "LAMP", "quantity": 2, "serial_numbers": ["A"]}, 417, "serial_numbers"),
    ({"item": "LAMP", "quantity": 2, "serial_numbers": ["A", "A"]}, 417, "serial_numbers"),
    ({"item": "LAMP", "quantity": 1}, 417, "serial_numbers"),
    ({"item": "LAMP", "quantity": "1.5", "serial_prefix": "L"}, 417, "quantity"),
    ({"item": "LAMP", "quantity": 1, "serial_prefix": "L", "serial_numbers": ["A"]}, 417, "serial_numbers"),
    ({"item": "LAMP", "quantity": 1, "serial_prefix": "bad prefix"}, 417, "serial_prefix"),
    ({"item": "LAMP", "quantity": 10_001, "serial_prefix": "L"}, 417, "quantity"),
    ({"item": "KIT", "quantity": 1, "serial_numbers": ["A"]}, 417, "serial_numbers"),
    ({"item": "KIT", "quantity": 1, "batch": "B1"}, 417, "batch"),
    ({"item": "KIT", "quantity": "0.5", "with_codes": True}, 417, "quantity"),
    ({"item": "KIT", "quantity": 0}, 417, "quantity"),
    ({"item": "KIT", "quantity": 10**13}, 417, "quantity"),
    ({"item": "KIT", "quantity": 6 * 10**11}, 417, "quantity"),  # 2 bolts each: past what a level holds
    ({"item": "KIT", "bom": "x", "quantity": 1}, 417, "item"),
    ({"quantity": 1}, 417, "item"),
    ({"item": "KIT", "quantity": 1, "warehouse": "NOPE"}, 404, "warehouse"),
    ({"item": "KIT", "quantity": 1, "bin": "Z9"}, 404, "bin"),
    ({"item": "KIT", "quantity": 1, "output_bin": "Z9"}, 404, "output_bin"),
    ({"item": "FRAME", "quantity": 1}, 404, "item"),  # no BOM
    ({"bom": "nope", "quantity": 1}, 404, "bom"),
    ({"item": "KIT", "quantity": 1, "note": "n" * 256}, 417, "note"),
    ({"item": "KIT", "quantity": 1, "explode": "maybe"}, 417, "explode"),
])
def test_bad_builds_are_refused_naming_the_field(shop, body, status, field):
    refused = shop("build.api.create_build", status, **{"warehouse": "WH1", **body})
    assert field in refused.get("field_errors", {}), refused
    assert Build.select().count() == 0


def test_output_serial_numbers_in_use_are_refused(shop):
    shop("serial_number.api.add_serial_numbers", serial_numbers=[{"serial_number": "L-000002"}])
    taken = shop("build.api.create_build", 409, item="LAMP", quantity=2, warehouse="WH1", serial_prefix="L-")
    assert "L-000002" in taken["exception"]
    shop("build.api.create_build", 409, item="LAMP", quantity=1, warehouse="WH1", serial_numbers=["L-000002"])


def test_batch_output_and_a_component_by_batch(shop):
    shop("stock.api.receive", item="PAINT", warehouse="WH1", quantity=1, batch="P-2", unit_cost=2)
    shop("stock.api.receive", item="PAINT", warehouse="WH1", quantity=1, batch="P-1", unit_cost=2)
    shop("item.api.create_item", sku="MIX", name="Mix", tracking="batch")
    shop("bom.api.create_bom", item="MIX", lines=[{"item": "PAINT", "quantity": "0.75"}])
    build = shop("build.api.create_build", item="MIX", quantity=2, warehouse="WH1", batch="M-1")
    done = shop("build.api.complete_build", build=build["id"])
    assert (done["batch"], done["unit_cost"]) == ("M-1", 1.5)
    levels = shop("stock.api.get_stock", item="PAINT")["levels"]
    assert [(level["batch"], level["quantity"]) for level in levels if level["quantity"]] == [("P-2", 0.5)]
    shop("build.api.create_build", 417, item="MIX", quantity=1, warehouse="WH1")  # no batch


def test_cancel_and_the_event_of_a_completed_build(shop, client, headers):
    from doctypes.event.model import Event

    subscribe(client, headers, "Build Completed")
    receive(shop, "FRAME", 1, 10)
    receive(shop, "CABLE", 1, 4)
    receive(shop, "BOLT", 2, 1)
    cancelled = shop("build.api.create_build", item="KIT", quantity=1, warehouse="WH1")
    gone = shop("build.api.cancel_build", build=cancelled["id"], reason="not needed")
    assert (gone["status"], gone["note"], gone["ready"]) == ("cancelled", "not needed", None) and gone["cancelled_at"]
    shop("build.api.complete_build", 417, build=cancelled["id"])
    build = shop("build.api.create_build", item="KIT", quantity=1, warehouse="WH1")
    shop("build.api.complete_build", build=build["id"])
    events = [json.loads(bytes(e.body))["data"] for e in Event.select().where(Event.name == "Build Completed")]
    assert [(e["build"], e["item"], e["quantity"], e["unit_cost"]) for e in events] == [(build["id"], "KIT", 1, 13.0)]
    page = shop("build.api.list_builds")
    assert [b["status"] for b in page["data"]] == ["completed", "cancelled"]
    assert shop("build.api.list_builds", status="cancelled")["total"] == 1
    assert shop("build.api.list_builds", item="KIT")["total"] == 2 and shop("build.api.list_builds", item="LAMP")["total"] == 0


def test_other_workspaces_and_the_sandbox_see_nothing(shop, make_workspace, workspace):
    receive(shop, "FRAME", 1, 10)
    build = shop("build.api.create_build", item="KIT", quantity=1, warehouse="WH1")
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        shop("build.api.get_build", 404, as_headers=other, build=build["id"])
        shop("build.api.complete_build", 404, as_headers=other, build=build["id"])
        shop("build.api.cancel_build", 404, as_headers=other, build=build["id"])
        shop("build.api.plan_build", 404, as_headers=other, item="KIT", quantity=1, warehouse="WH1")
        shop("build.api.create_build", 404, as_headers=other, item="KIT", quantity=1, warehouse="WH1")
        shop("build.api.create_build", 404, as_headers=other, bom=build["bom"], quantity=1, warehouse="WH1")
        assert shop("build.api.list_builds", as_headers=other)["total"] == 0
    sandbox = key_headers(workspace, "sandbox")
    for sku in ("KIT", "FRAME"):
        shop("item.api.create_item", as_headers=sandbox, sku=sku, name=f"Sandbox {sku}")
    shop("warehouse.api.create_warehouse", as_headers=sandbox, code="WH1", name="Sandbox")
    shop("bom.api.create_bom", as_headers=sandbox, item="KIT", lines=[{"item": "FRAME", "quantity": 3}])
    plan = shop("build.api.plan_build", as_headers=sandbox, item="KIT", quantity=1, warehouse="WH1")
    assert needs(plan) == [("FRAME", 3, 0, 3)]  # the live frame is not the sandbox's
    assert shop("build.api.get_build", build=build["id"])["status"] == "planned"


def test_a_read_only_key_plans_but_does_not_build(shop, client, workspace):
    made = client.post(API + "api_key.api.create_api_key", json={"name": "reader", "scopes": ["read"]},
                       headers=key_headers(workspace)).json()["message"]
    reader = {"X-Traciqo-API-Key": made["api_key"], "X-Traciqo-API-Secret": made["api_secret"]}
    shop("build.api.create_build", 403, as_headers=reader, item="KIT", quantity=1, warehouse="WH1")
    assert shop("build.api.plan_build", as_headers=reader, item="KIT", quantity=1, warehouse="WH1")["ready"] is False
