"""Sales orders over HTTP: created as drafts or confirmed, by lines or a form's lines_text; read by id
or number, listed by customer and status; confirmed and cancelled; every bad input 417 naming
it; a customer must have the role; tenancy, sandbox and a read-only key."""

from __future__ import annotations

import pytest

from doctypes.sales_order.model import SalesOrder, SalesOrderLine
from tests.doctypes.sales_order.support import order
from tests.support.helpers import key_headers


def test_a_draft_order_with_its_lines_total_and_number(shop):
    made = order(shop, ("BOLT", 10, "2.5"), ("bike", 2, 450), confirm=False, reference="PO-77",
                 ship_to="1 Main St\nSpringfield")
    assert (made["number"], made["status"], made["reference"], made["customer"]["name"]) == (
        "SO-00001", "draft", "PO-77", "ACME")
    assert [(line["line"], line["item"], line["quantity"], line["shipped"], line["remaining"], line["amount"])
            for line in made["lines"]] == [(1, "BOLT", 10, 0, 10, 25.0), (2, "BIKE", 2, 0, 2, 900.0)]
    assert made["total"] == 925.0 and made["confirmed_at"] is None and made["created_by"]
    assert shop("sales_order.api.get_sales_order", order="so-00001")["id"] == made["id"]
    assert shop("sales_order.api.get_sales_order", order=made["id"])["ship_to"] == "1 Main St\nSpringfield"
    assert order(shop, ("PAINT", "1.5"))["number"] == "SO-00002"


def test_lines_text_is_what_a_form_sends(shop):
    made = shop("sales_order.api.create_sales_order", customer="ACME",
                lines_text="BOLT 10 2.5\n\n  bike, 2\nPAINT;0.25;12\n")
    assert [(line["item"], line["quantity"], line["unit_price"]) for line in made["lines"]] == [
        ("BOLT", 10, 2.5), ("BIKE", 2, 0.0), ("PAINT", 0.25, 12.0)]
    for bad, says in (("BOLT", "Row 1"), ("BOLT 1\nBOLT x", "Row 2: quantity"), ("BOLT 1 2 3", "Row 1"),
                      ("BOLT -1", "Row 1: quantity"), ("", "1 to 200"), ("B@D 1", "Row 1: item")):
        refused = shop("sales_order.api.create_sales_order", 417, customer="ACME", lines_text=bad)
        assert says in refused["field_errors"]["lines_text"][0], (bad, refused)


def test_lists_by_customer_and_status_newest_first(shop):
    first = order(shop, ("BOLT", 1))
    shop("party.api.upsert_party", name="Globex", roles=["customer", "vendor"])
    second = shop("sales_order.api.create_sales_order", customer="Globex", lines=[{"item": "BOLT", "quantity": 2}])
    everything = shop("sales_order.api.list_sales_orders")
    assert [o["number"] for o in everything["data"]] == [second["number"], first["number"]]
    assert everything["total"] == 2 and everything["data"][0]["lines"][0]["quantity"] == 2
    assert [o["id"] for o in shop("sales_order.api.list_sales_orders", customer="ACME")["data"]] == [first["id"]]
    assert [o["id"] for o in shop("sales_order.api.list_sales_orders", status="draft")["data"]] == [second["id"]]
    assert shop("sales_order.api.list_sales_orders", status="shipped")["total"] == 0
    assert shop("sales_order.api.list_sales_orders", limit=1, offset=1)["data"][0]["id"] == first["id"]
    shop("sales_order.api.list_sales_orders", 404, customer="Nobody")
    shop("sales_order.api.list_sales_orders", 417, status="open")


def test_confirm_and_cancel(shop):
    draft = order(shop, ("BOLT", 1), confirm=False)
    confirmed = shop("sales_order.api.confirm_sales_order", order=draft["number"])
    assert confirmed["status"] == "confirmed" and confirmed["confirmed_at"]
    assert shop("sales_order.api.confirm_sales_order", order=draft["id"])["status"] == "confirmed"  # harmless
    cancelled = shop("sales_order.api.cancel_sales_order", order=draft["id"])
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert shop("sales_order.api.cancel_sales_order", order=draft["id"])["status"] == "cancelled"  # harmless
    refused = shop("sales_order.api.confirm_sales_order", 417, order=draft["id"])
    assert "cancelled" in refused["exception"] and refused["field_errors"]["order"]
    assert shop("sales_order.api.cancel_sales_order", order=order(shop, ("BOLT", 1), confirm=False)["id"])[
        "status"] == "cancelled"  # a draft is cancelled too
    shop("sales_order.api.confirm_sales_order", 404, order="SO-00099")
    shop("sales_order.api.cancel_sales_order", 404, order="0" * 32)


def test_the_customer_must_be_one_and_the_items_active(shop):
    refused = shop("sales_order.api.create_sales_order", 417, customer="SUPPLY", lines=[{"item": "BOLT", "quantity": 1}])
    assert refused["field_errors"]["customer"] and "not a customer" in refused["exception"]
    shop("sales_order.api.create_sales_order", 404, customer="Nobody", lines=[{"item": "BOLT", "quantity": 1}])
    shop("sales_order.api.create_sales_order", 404, customer="ACME", lines=[{"item": "NOPE", "quantity": 1}])
    shop("item.api.deactivate_item", item="PAINT")
    inactive = shop("sales_order.api.create_sales_order", 403, customer="ACME",
                    lines=[{"item": "BOLT", "quantity": 1}, {"item": "PAINT", "quantity": 1}])
    assert inactive["error_code"] == "inactive" and "lines.1.item" in inactive["field_errors"]
    part = shop("sales_order.api.create_sales_order", 417, customer="ACME", lines=[{"item": "BIKE", "quantity": "1.5"}])
    assert "lines.0.quantity" in part["field_errors"]
    assert SalesOrder.select().count() == 0 and SalesOrderLine.select().count() == 0


@pytest.mark.parametrize("bad", [
    {"customer": ""}, {"customer": "c" * 256}, {"customer": None}, {"lines": []}, {"lines": None},
    {"lines": [{"item": "BOLT"}]}, {"lines": [{"quantity": 1}]}, {"lines": [{"item": "BOLT", "quantity": 0}]},
    {"lines": [{"item": "BOLT", "quantity": -1}]}, {"lines": [{"item": "BOLT", "quantity": "x"}]},
    {"lines": [{"item": "BOLT", "quantity": 10**13}]}, {"lines": [{"item": "BOLT", "quantity": "0.0001"}]},
    {"lines": [{"item": "BOLT", "quantity": True}]}, {"lines": [{"item": "", "quantity": 1}]},
    {"lines": [{"item": "x" * 65, "quantity": 1}]}, {"lines": [{"item": "BOLT", "quantity": 1, "unit_price": -1}]},
    {"lines": [{"item": "BOLT", "quantity": 1, "unit_price": "0.00001"}]}, {"lines": [{"item": "BOLT", "quantity": 1}] * 201},
    {"lines": "BOLT"}, {"lines": [[1]]}, {"reference": ""}, {"reference": "r" * 141}, {"ship_to": "s" * 2001},
    {"confirm": "maybe"}, {"lines_text": "BOLT 1"}, {"lines_text": "x" * 40_001},
])
def test_bad_orders_answer_417_naming_the_field(shop, bad):
    body = {"customer": "ACME", "lines": [{"item": "BOLT", "quantity": 1}], **bad}
    refused = shop("sales_order.api.create_sales_order", 417, **body)
    assert set(refused["field_errors"]) & ({*bad, "lines"}), refused
    assert SalesOrder.select().count() == 0


@pytest.mark.parametrize("ref", ["", "SO-", "SO-x", "so-" + "9" * 13, "1" * 33, "../x", "SO-00001 "])
def test_bad_order_references(shop, ref):
    expect = 404 if ref.strip() == "SO-00001" else 417
    shop("sales_order.api.get_sales_order", expect, order=ref)


def test_other_workspaces_and_the_sandbox_see_nothing(shop, make_workspace, workspace):
    mine = order(shop, ("BOLT", 1))
    for other in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        for method in ("get_sales_order", "confirm_sales_order", "cancel_sales_order"):
            for ref in (mine["id"], mine["number"]):
                shop(f"sales_order.api.{method}", 404, as_headers=other, order=ref)
        assert shop("sales_order.api.list_sales_orders", as_headers=other)["total"] == 0
        shop("sales_order.api.list_sales_orders", 404, as_headers=other, customer="ACME")
        shop("sales_order.api.create_sales_order", 404, as_headers=other, customer="ACME",
             lines=[{"item": "BOLT", "quantity": 1}])
        shop("party.api.upsert_party", as_headers=other, name="ACME", roles=["customer"])
        shop("sales_order.api.create_sales_order", 404, as_headers=other, customer="ACME",
             lines=[{"item": "BOLT", "quantity": 1}])  # their ACME, but no BOLT of theirs
    assert shop("sales_order.api.get_sales_order", order=mine["id"])["status"] == "confirmed"
    sandbox = key_headers(workspace, "sandbox")
    shop("item.api.create_item", as_headers=sandbox, sku="BOLT", name="Sandbox bolt")
    theirs = shop("sales_order.api.create_sales_order", as_headers=sandbox, customer="ACME",
                  lines=[{"item": "BOLT", "quantity": 3}])
    assert theirs["number"] == "SO-00001"  # numbered per environment
    assert shop("sales_order.api.list_sales_orders")["total"] == 1


def test_a_read_only_key_reads_but_does_not_write(shop, client, workspace):
    made = order(shop, ("BOLT", 1), confirm=False)
    keys = shop("api_key.api.create_api_key", name="reader", scopes=["read"])
    reader = {"X-Traciqo-API-Key": keys["api_key"], "X-Traciqo-API-Secret": keys["api_secret"]}
    assert shop("sales_order.api.get_sales_order", as_headers=reader, order=made["id"])["status"] == "draft"
    shop("sales_order.api.confirm_sales_order", 403, as_headers=reader, order=made["id"])
    shop("sales_order.api.cancel_sales_order", 403, as_headers=reader, order=made["id"])
    shop("sales_order.api.create_sales_order", 403, as_headers=reader, customer="ACME",
         lines=[{"item": "BOLT", "quantity": 1}])


def test_as_a_frappe_resource(shop, client, headers):
    made = order(shop, ("BOLT", 4))
    listed = client.get("/api/resource/Sales Order", params={"fields": '["name", "status", "customer"]'},
                        headers=headers).json()["data"]
    assert listed == [{"name": "SO-00001", "status": "confirmed", "customer": made["customer"]["id"]}]
    one = client.get("/api/resource/Sales Order/SO-00001", headers=headers).json()["data"]
    assert one["id"] == made["id"] and one["doctype"] == "Sales Order"
    filtered = client.get("/api/resource/Sales Order", params={"filters": '{"status": "draft"}'}, headers=headers)
    assert filtered.json()["data"] == []
    created = client.post("/api/resource/Sales Order", headers=headers,
                          json={"customer": "ACME", "lines": [{"item": "BOLT", "quantity": 2}]})
    assert created.status_code == 200, created.text
    assert created.json()["data"]["name"] == "SO-00002" and created.json()["data"]["status"] == "draft"
    assert client.get("/api/resource/Sales Order/SO-00099", headers=headers).status_code == 404
    assert client.get("/api/resource/Sales Order/nonsense", headers=headers).status_code == 404
