"""Purchase orders over HTTP: a draft made with its lines (costs from the vendor's catalogue),
edited, placed, cancelled and closed; read and listed; every bad input; tenancy and sandbox."""

from __future__ import annotations

import pytest

from doctypes.purchase_order.model import PurchaseOrder, PurchaseOrderLine
from tests.support.helpers import key_headers

CREATE = "purchase_order.api.create_purchase_order"


def test_a_draft_takes_catalogue_prices_and_is_edited_until_placed(supplies):
    made = supplies(CREATE, vendor="Acme Supply", expected_date="2027-01-15", reference="Q-88", lines=[
        {"item": "bolt", "quantity": 100}, {"item": "NUT", "quantity": "2.5", "unit_cost": "0.1234"}])
    assert (made["name"], made["status"], made["vendor"], made["expected_date"], made["reference"]) == (
        "PO-00001", "draft", "Acme Supply", "2027-01-15", "Q-88")
    assert [(line["line"], line["item"], line["quantity"], line["unit_cost"], line["amount"], line["remaining"])
            for line in made["lines"]] == [(1, "BOLT", 100, 0.25, 25.0, 100), (2, "NUT", 2.5, 0.1234, 0.3085, 2.5)]
    assert (made["line_count"], made["total"], made["placed_at"]) == (2, 25.3085, None)
    assert made["created_by"]
    added = supplies("purchase_order.api.add_purchase_order_line", order=made["id"], item="PAINT", quantity=3)
    assert [(line["line"], line["item"], line["unit_cost"]) for line in added["lines"]][-1] == (3, "PAINT", 8)
    removed = supplies("purchase_order.api.remove_purchase_order_line", order="po-1", line=2)
    assert [line["line"] for line in removed["lines"]] == [1, 3]
    again = supplies("purchase_order.api.add_purchase_order_line", order="PO-00001", item="NUT", quantity=1,
                     unit_cost=1)
    assert [line["line"] for line in again["lines"]] == [1, 3, 4]
    placed = supplies("purchase_order.api.place_purchase_order", order="PO-00001")
    assert (placed["status"], placed["line_count"]) == ("ordered", 3) and placed["placed_at"]
    for method, body in (("add_purchase_order_line", {"item": "BIKE", "quantity": 1, "unit_cost": 1}),
                         ("remove_purchase_order_line", {"line": 1}), ("place_purchase_order", {})):
        refused = supplies("purchase_order.api." + method, 417, order="PO-00001", **body)
        assert "ordered" in refused["exception"] and refused["field_errors"]["order"]
    second = supplies(CREATE, vendor="Acme Supply", lines_text="BOLT 150\nnut, 4, 0.5\n")
    assert second["name"] == "PO-00002" and [(line["item"], line["quantity"], line["unit_cost"])
                                             for line in second["lines"]] == [("BOLT", 150, 0.25), ("NUT", 4, 0.5)]


def test_catalogue_rules_name_the_line(supplies):
    below = supplies(CREATE, 417, vendor="Acme Supply", lines=[{"item": "NUT", "quantity": 1, "unit_cost": 1},
                                                               {"item": "BOLT", "quantity": 99}])
    assert below["exc_type"] == "BelowMinimumOrder"
    assert "Line 2: 99 BOLT is below Acme Supply's minimum order of 100" in below["field_errors"]["lines"][0]
    no_price = supplies(CREATE, 417, vendor="Acme Supply", lines=[{"item": "NUT", "quantity": 1}])
    assert no_price["exc_type"] == "UnitCostMissing" and "NUT" in no_price["field_errors"]["lines"][0]
    twice = supplies(CREATE, 409, vendor="Acme Supply", lines=[{"item": "BOLT", "quantity": 100},
                                                               {"item": "bolt", "quantity": 100}])
    assert "Line 2: BOLT is on line 1 already" in twice["field_errors"]["lines"][0]
    half_bike = supplies(CREATE, 417, vendor="Acme Supply", lines=[{"item": "BIKE", "quantity": "1.5", "unit_cost": 1}])
    assert half_bike["exc_type"] == "WholeUnitsOnly"
    huge = supplies(CREATE, 417, vendor="Acme Supply", lines=[{"item": "NUT", "quantity": 10**11, "unit_cost": 10**11}])
    assert huge["exc_type"] == "AmountTooLarge"
    supplies(CREATE, 404, vendor="Acme Supply", lines=[{"item": "SCREW", "quantity": 1, "unit_cost": 1}])
    supplies("item.api.deactivate_item", item="NUT")
    assert supplies(CREATE, 403, vendor="Acme Supply", lines=[{"item": "NUT", "quantity": 1, "unit_cost": 1}])[
        "error_code"] == "inactive"
    assert supplies(CREATE, 417, vendor="Shop")["exc_type"] == "PartyRoleMissing"
    supplies(CREATE, 404, vendor="Nobody")
    assert PurchaseOrder.select().count() == 0 and PurchaseOrderLine.select().count() == 0
    draft = supplies(CREATE, vendor="Acme Supply")
    small = supplies("purchase_order.api.add_purchase_order_line", 417, order=draft["id"], item="BOLT", quantity=5)
    assert small["field_errors"]["quantity"]
    supplies("purchase_order.api.add_purchase_order_line", order=draft["id"], item="BOLT", quantity=100)
    assert supplies("purchase_order.api.add_purchase_order_line", 409, order=draft["id"], item="BOLT",
                    quantity=100)["field_errors"]["item"]
    supplies("purchase_order.api.remove_purchase_order_line", 404, order=draft["id"], line=7)
    empty = supplies(CREATE, vendor="Acme Supply")
    assert supplies("purchase_order.api.place_purchase_order", 417, order=empty["name"])["exc_type"] == (
        "OrderNotPlaceable")


def test_cancel_and_close_follow_what_was_received(placed, supplies):
    draft = supplies(CREATE, vendor="Acme Supply")
    cancelled = supplies("purchase_order.api.cancel_purchase_order", order=draft["name"], reason="duplicate")
    assert (cancelled["status"], cancelled["reason"]) == ("cancelled", "duplicate") and cancelled["ended_at"]
    supplies("purchase_order.api.cancel_purchase_order", 417, order=draft["name"])
    supplies("purchase_order.api.close_purchase_order", 417, order=draft["name"])
    refused = supplies("purchase_order.api.close_purchase_order", 417, order="PO-00001")
    assert "nothing was received: cancel it instead" in refused["exception"]
    supplies("purchase_order.api.receive_purchase_order", order="PO-00001", warehouse="WH1", line=1, quantity=50)
    refused = supplies("purchase_order.api.cancel_purchase_order", 417, order="PO-00001")
    assert "close it instead" in refused["exception"]
    closed = supplies("purchase_order.api.close_purchase_order", order="PO-00001", reason="rest back-ordered")
    assert closed["status"] == "closed" and [line["remaining"] for line in closed["lines"]] == [0, 0, 0, 0]
    assert closed["lines"][0]["received"] == 50
    supplies("purchase_order.api.close_purchase_order", 417, order="PO-00001")
    supplies("purchase_order.api.cancel_purchase_order", 417, order="PO-00001")
    draft_close = supplies("purchase_order.api.close_purchase_order", 417,
                           order=supplies(CREATE, vendor="Acme Supply")["id"])
    assert "a draft is cancelled, not closed" in draft_close["exception"]


def test_lists_by_vendor_and_status(placed, supplies):
    supplies("party.api.upsert_party", name="Bolt World", roles=["vendor"])
    supplies(CREATE, vendor="Bolt World", lines=[{"item": "NUT", "quantity": 1, "unit_cost": 2}])
    supplies(CREATE, vendor="Acme Supply")
    every = supplies("purchase_order.api.list_purchase_orders")
    assert every["total"] == 3 and [(o["name"], o["status"], o["line_count"]) for o in every["data"]] == [
        ("PO-00003", "draft", 0), ("PO-00002", "draft", 1), ("PO-00001", "ordered", 4)]
    assert every["data"][2]["total"] == 50 + 15 + 600 + 40 and "lines" not in every["data"][0]
    acme = supplies("purchase_order.api.list_purchase_orders", vendor="Acme Supply", status="draft")
    assert [o["name"] for o in acme["data"]] == ["PO-00003"]
    assert supplies("purchase_order.api.list_purchase_orders", limit=1, offset=2)["data"][0]["name"] == "PO-00001"
    assert supplies("purchase_order.api.list_purchase_orders", status="received")["total"] == 0
    supplies("purchase_order.api.list_purchase_orders", 404, vendor="Nobody")
    got = supplies("purchase_order.api.get_purchase_order", order=placed["id"])
    assert got == supplies("purchase_order.api.get_purchase_order", order="po-00001")
    supplies("purchase_order.api.get_purchase_order", 404, order="PO-00009")
    supplies("purchase_order.api.get_purchase_order", 404, order="0" * 32)


@pytest.mark.parametrize("bad", [
    {"vendor": ""}, {"vendor": None}, {"lines": "BOLT"}, {"lines": [{"item": "BOLT"}]},
    {"lines": [{"item": "BOLT", "quantity": 0}]}, {"lines": [{"item": "BOLT", "quantity": -1}]},
    {"lines": [{"item": "BOLT", "quantity": "1.0001"}]}, {"lines": [{"item": "BOLT", "quantity": 10**13}]},
    {"lines": [{"item": "BOLT", "quantity": 100, "unit_cost": -1}]},
    {"lines": [{"item": "BOLT", "quantity": 100, "unit_cost": "0.00001"}]},
    {"lines": [{"item": "", "quantity": 1}]}, {"lines": [{"item": "BOLT", "quantity": 100}] * 201},
    {"lines_text": "BOLT"}, {"lines_text": "BOLT x"}, {"lines_text": "BOLT 1 2 3"},
    {"lines_text": "BOLT 100", "lines": [{"item": "BOLT", "quantity": 100}]}, {"lines_text": "BOLT 100\n" * 201},
    {"expected_date": "tomorrow"}, {"expected_date": "2027-02-30"}, {"reference": ""}, {"reference": "r" * 141},
    {"status": "ordered"},
])
def test_bad_orders_answer_417_naming_the_field(supplies, bad):
    refused = supplies(CREATE, 417, **{"vendor": "Acme Supply", **bad})
    assert set(refused["field_errors"]) & ({*bad} | {"lines"})
    assert PurchaseOrder.select().count() == 0


@pytest.mark.parametrize("method, body", [
    ("get_purchase_order", {"order": "PO-1x"}), ("get_purchase_order", {"order": "PO-" + "9" * 13}),
    ("get_purchase_order", {"order": "abc"}), ("get_purchase_order", {}),
    ("add_purchase_order_line", {"order": "PO-1", "item": "BOLT"}),
    ("remove_purchase_order_line", {"order": "PO-1", "line": 0}),
    ("remove_purchase_order_line", {"order": "PO-1", "line": 10**7}),
    ("cancel_purchase_order", {"order": "PO-1", "reason": "r" * 256}),
    ("list_purchase_orders", {"status": "open"}), ("list_purchase_orders", {"limit": 1001}),
])
def test_bad_references_answer_417(supplies, method, body):
    supplies("purchase_order.api." + method, 417, **body)


def test_other_workspaces_and_the_sandbox_see_nothing(placed, supplies, make_workspace, workspace):
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        for method, body in (("get_purchase_order", {}), ("add_purchase_order_line", {"item": "BOLT", "quantity": 1}),
                             ("remove_purchase_order_line", {"line": 1}), ("place_purchase_order", {}),
                             ("cancel_purchase_order", {}), ("close_purchase_order", {}),
                             ("receive_purchase_order", {"warehouse": "WH1", "line": 1, "quantity": 1})):
            for order in ("PO-00001", placed["id"]):
                supplies("purchase_order.api." + method, 404, as_headers=other, order=order, **body)
        assert supplies("purchase_order.api.list_purchase_orders", as_headers=other)["total"] == 0
        supplies(CREATE, 404, as_headers=other, vendor="Acme Supply")
    sandbox = key_headers(workspace, "sandbox")
    supplies("party.api.upsert_party", as_headers=sandbox, name="Acme Supply", roles=["vendor"])
    made = supplies(CREATE, as_headers=sandbox, vendor="Acme Supply")
    assert made["name"] == "PO-00001" and made["id"] != placed["id"]  # numbered in each environment
    assert supplies("purchase_order.api.get_purchase_order", order="PO-00001")["status"] == "ordered"
    assert supplies("purchase_order.api.get_purchase_order", as_headers=sandbox, order="PO-00001")["status"] == "draft"


def test_a_read_only_key_reads_orders_but_changes_none(placed, supplies, client, workspace):
    made = client.post("/api/method/doctypes.api_key.api.create_api_key", json={"name": "reader", "scopes": ["read"]},
                       headers=key_headers(workspace)).json()["message"]
    reader = {"X-Traciqo-API-Key": made["api_key"], "X-Traciqo-API-Secret": made["api_secret"]}
    assert supplies("purchase_order.api.get_purchase_order", as_headers=reader, order="PO-00001")["name"] == "PO-00001"
    supplies(CREATE, 403, as_headers=reader, vendor="Acme Supply")
    supplies("purchase_order.api.receive_purchase_order", 403, as_headers=reader, order="PO-00001", warehouse="WH1",
             line=1, quantity=1)
    supplies("purchase_order.api.cancel_purchase_order", 403, as_headers=reader, order="PO-00001")
