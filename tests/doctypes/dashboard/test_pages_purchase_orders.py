"""The purchase order pages over HTTP (/app/purchase-orders, /app/purchase-orders/<order>):
tenancy and sandbox, the status filter and pages, bad queries, what a viewer sees, and the
forms' posts through the purchase order methods (create, add and remove lines, place, receive,
cancel and close)."""

from __future__ import annotations

import pytest

from doctypes.dashboard import purchase_orders as order_pages
from tests.support.dashboard import call, form, sign_in_headers
from tests.support.helpers import key_headers

METHOD = "/api/method/doctypes."




def supplies(client, headers, marker: str) -> dict:
    """A vendor, an item, a warehouse and an order of 10 placed, 4 received; answers the order."""
    call(client, headers, "party.api.upsert_party", name=f"{marker} supplier", roles=["vendor"])
    item = call(client, headers, "item.api.create_item", sku=f"{marker}-BOLT", name=f"{marker} bolt")
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH", name=f"{marker} store")
    order = call(client, headers, "purchase_order.api.create_purchase_order", vendor=f"{marker} supplier",
                 reference=f"{marker}-REF", lines=[{"item": item["id"], "quantity": 10, "unit_cost": "1.25"}])
    call(client, headers, "purchase_order.api.place_purchase_order", order=order["id"])
    return call(client, headers, "purchase_order.api.receive_purchase_order", order=order["id"],
                warehouse=f"{marker}-WH", line=1, quantity=4)


def switch(client, csrf: dict[str, str], environment: str) -> None:
    form(client, csrf, "session.api.switch", environment=environment)


@pytest.fixture
def owner(client, member):
    member("ann@example.com", "owner")
    return sign_in_headers(client, "ann@example.com")


def test_the_pages_show_this_workspace_and_environment_only(client, member, workspace, make_workspace):
    mine = supplies(client, key_headers(workspace), "MINE")
    sandboxed = supplies(client, key_headers(workspace, "sandbox"), "SANDY")
    theirs = supplies(client, key_headers(make_workspace("other")), "THEIRS")
    member("ann@example.com", "viewer")
    csrf = sign_in_headers(client, "ann@example.com")
    for environment, shown, hidden in (("live", "MINE", ("SANDY", "THEIRS")), ("sandbox", "SANDY", ("MINE", "THEIRS"))):
        switch(client, csrf, environment)
        for path in ("/app/purchase-orders", "/app/purchase-orders/PO-00001"):
            text = client.get(path).text
            assert f"{shown}-REF" in text, f"{environment} {path}"
            assert not [h for h in hidden if h in text], f"{environment} {path}"
    switch(client, csrf, "live")
    assert client.get(f"/app/purchase-orders/{mine['id']}").status_code == 200
    for other in (sandboxed["id"], theirs["id"], "PO-00002", "nonsense", "PO-1x", "x" * 5000):
        refused = client.get(f"/app/purchase-orders/{other}")
        assert refused.status_code == 404 and "Purchase order not found" in refused.text
        assert "SANDY" not in refused.text and "THEIRS" not in refused.text


def test_the_list_filters_by_status_and_pages(client, workspace, owner, monkeypatch):
    headers = key_headers(workspace)
    supplies(client, headers, "ONE")
    call(client, headers, "purchase_order.api.create_purchase_order", vendor="ONE supplier", reference="TWO-REF")
    page = client.get("/app/purchase-orders").text
    assert "ONE-REF" in page and "TWO-REF" in page and "2 purchase orders" in page
    assert '<a href="/app/purchase-orders/PO-00001">PO-00001</a>' in page and "Partially received" in page
    drafts = client.get("/app/purchase-orders", params={"status": "draft"}).text
    assert "TWO-REF" in drafts and "ONE-REF" not in drafts
    assert client.get("/app/purchase-orders", params={"status": "open"}).status_code == 417
    assert client.get("/app/purchase-orders", params={"offset": "-1"}).status_code == 417
    monkeypatch.setattr(order_pages, "PAGE_SIZE", 1)
    first = client.get("/app/purchase-orders").text
    assert "TWO-REF" in first and "ONE-REF" not in first and 'href="/app/purchase-orders?offset=1">Older' in first


def test_the_order_page_shows_lines_receipts_and_the_forms_its_status_allows(client, workspace, owner):
    supplies(client, key_headers(workspace), "MINE")
    page = client.get("/app/purchase-orders/po-00001").text
    assert "Partially received</strong>status" in page and "12.50</strong>total" in page
    assert "<td>10 pcs</td><td>4</td><td>6</td><td>1.25</td><td>12.50</td>" in page
    assert "<td>MINE-WH/MAIN</td><td></td><td>+4</td>" in page  # the receipt, from the ledger
    assert f'action="{METHOD}purchase_order.api.receive_purchase_order"' in page and 'value="6"' in page
    assert "close_purchase_order" in page and "cancel_purchase_order" not in page and "place_purchase_order" not in page
    assert "data-error-for=lines" in page


def test_the_forms_create_edit_place_receive_and_close_an_order(client, workspace, owner):
    call(client, key_headers(workspace), "party.api.upsert_party", name="Acme Supply", roles=["vendor"])
    assert 'href="/app/parties">add a party' not in client.get("/app/purchase-orders").text
    form(client, owner, "item.api.create_item", sku="BOLT", name="Bolt")
    form(client, owner, "item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    form(client, owner, "warehouse.api.create_warehouse", code="WH1", name="Main")
    form(client, owner, "vendor_item.api.set_vendor_item", vendor="Acme Supply", item="BOLT", price="0.5",
         minimum_order="10")
    vendor = call(client, key_headers(workspace), "party.api.upsert_party", name="Acme Supply")["id"]
    assert f'action="{METHOD}purchase_order.api.create_purchase_order"' in client.get("/app/purchase-orders").text
    refused = form(client, owner, "purchase_order.api.create_purchase_order", 417, vendor=vendor, lines_text="BOLT 5")
    assert "minimum order of 10" in refused["field_errors"]["lines"][0]
    made = form(client, owner, "purchase_order.api.create_purchase_order", vendor=vendor, lines_text="BOLT 20\n",
                expected_date="2027-03-01", reference="Q-1")["message"]
    page = client.get(f"/app/purchase-orders/{made['name']}").text
    for method in ("add_purchase_order_line", "remove_purchase_order_line", "place_purchase_order",
                   "cancel_purchase_order"):
        assert f'action="{METHOD}purchase_order.api.{method}"' in page
    assert "receive_purchase_order" not in page and "Expected on 2027-03-01" in page
    form(client, owner, "purchase_order.api.add_purchase_order_line", order=made["id"], item="BIKE", quantity="2",
         unit_cost="100")
    again = form(client, owner, "purchase_order.api.add_purchase_order_line", 409, order=made["id"], item="BOLT",
                 quantity="10")
    assert "On line 1" in again["field_errors"]["item"][0]
    form(client, owner, "item.api.create_item", sku="NUT", name="Nut")
    form(client, owner, "purchase_order.api.add_purchase_order_line", order=made["id"], item="NUT", quantity="1",
         unit_cost="1")
    assert "Remove line 3" in client.get(f"/app/purchase-orders/{made['name']}").text
    form(client, owner, "purchase_order.api.remove_purchase_order_line", order=made["id"], line="3")
    form(client, owner, "purchase_order.api.place_purchase_order", order=made["id"])
    page = client.get(f"/app/purchase-orders/{made['name']}").text
    assert page.count("name=serial_numbers_text") == 1 and "Remove line" not in page
    over = form(client, owner, "purchase_order.api.receive_purchase_order", 417, order=made["id"], warehouse="WH1",
                line="1", quantity="21")
    assert over["field_errors"]["lines"] == ["Line 1: 21 received, 20 left to receive"]
    form(client, owner, "purchase_order.api.receive_purchase_order", order=made["id"], warehouse="WH1", line="1",
         quantity="20", reason="note 7")
    form(client, owner, "purchase_order.api.receive_purchase_order", order=made["id"], warehouse="WH1", line="2",
         serial_numbers_text="B-1\n")
    page = client.get(f"/app/purchase-orders/{made['name']}").text
    assert "B-1" in page and "note 7" in page
    form(client, owner, "purchase_order.api.close_purchase_order", order=made["id"], reason="one bike is enough")
    page = client.get(f"/app/purchase-orders/{made['name']}").text
    assert "Closed</strong>status" in page and "one bike is enough" in page and "receive_purchase_order" not in page


def test_without_vendors_or_warehouses_the_page_says_what_to_add_first(client, workspace, owner):
    assert 'href="/app/parties">add a party</a> with the vendor role' in client.get("/app/purchase-orders").text
    headers = key_headers(workspace)
    call(client, headers, "party.api.upsert_party", name="Acme Supply", roles=["vendor"])
    call(client, headers, "item.api.create_item", sku="BOLT", name="Bolt")
    order = call(client, headers, "purchase_order.api.create_purchase_order", vendor="Acme Supply",
                 lines=[{"item": "BOLT", "quantity": 1, "unit_cost": 1}])
    call(client, headers, "purchase_order.api.place_purchase_order", order=order["id"])
    page = client.get(f"/app/purchase-orders/{order['name']}").text
    assert 'href="/app/warehouses">create a warehouse' in page and "Nothing received yet." in page


def test_a_viewer_sees_no_forms(client, workspace, member):
    supplies(client, key_headers(workspace), "MINE")
    member("vic@example.com", "viewer")
    csrf = sign_in_headers(client, "vic@example.com")
    for path in ("/app/purchase-orders", "/app/purchase-orders/PO-00001"):
        page = client.get(path)
        assert page.status_code == 200 and "MINE" in page.text
        assert page.text.count("<form method=post") == 2, path  # the header's: switch environment, sign out
    refused = form(client, csrf, "purchase_order.api.close_purchase_order", 403, order="PO-00001")
    assert refused["exc_type"]
