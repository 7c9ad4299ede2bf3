"""The sales order pages over HTTP (/app/sales-orders, /app/sales-orders/<order>): tenancy and
sandbox, the status filter and pages, bad queries and unknown orders, what a viewer sees, and the
forms' posts: create (lines_text), confirm, cancel, ship (serial numbers one a line)."""

from __future__ import annotations

import pytest

from doctypes.dashboard import sales_orders as order_pages
from tests.support.dashboard import call, form, sign_in_headers
from tests.support.helpers import key_headers

METHOD = "/api/method/doctypes."




def shop(client, headers, marker: str) -> dict:
    """A customer, BOLT (20 in stock) and BIKE (serials), a confirmed order of 5 BOLT shipped 2; answers the order."""
    call(client, headers, "party.api.upsert_party", name=f"{marker} customer", roles=["customer"])
    call(client, headers, "item.api.create_item", sku=f"{marker}-BOLT", name=f"{marker} bolt")
    call(client, headers, "item.api.create_item", sku=f"{marker}-BIKE", name=f"{marker} bike", tracking="serial")
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH", name=f"{marker} store")
    call(client, headers, "stock.api.receive", item=f"{marker}-BOLT", warehouse=f"{marker}-WH", quantity=20)
    call(client, headers, "stock.api.receive", item=f"{marker}-BIKE", warehouse=f"{marker}-WH",
         serial_numbers=[f"{marker}-SN-1", f"{marker}-SN-2"])
    order = call(client, headers, "sales_order.api.create_sales_order", customer=f"{marker} customer", confirm=True,
                 reference=f"{marker}-PO", lines=[{"item": f"{marker}-BOLT", "quantity": 5, "unit_price": 3},
                                                   {"item": f"{marker}-BIKE", "quantity": 2}])
    call(client, headers, "shipment.api.create_shipment", order=order["id"], warehouse=f"{marker}-WH",
         lines=[{"line": 1, "quantity": 2}], carrier=f"{marker} carrier")
    return order


def switch(client, csrf: dict[str, str], environment: str) -> None:
    form(client, csrf, "session.api.switch", environment=environment)


@pytest.fixture
def owner(client, member):
    member("ann@example.com", "owner")
    return sign_in_headers(client, "ann@example.com")


def test_the_pages_show_this_workspace_and_environment_only(client, member, workspace, make_workspace):
    mine = shop(client, key_headers(workspace), "MINE")
    sandboxed = shop(client, key_headers(workspace, "sandbox"), "SANDY")
    theirs = shop(client, key_headers(make_workspace("other")), "THEIRS")
    member("ann@example.com", "viewer")
    csrf = sign_in_headers(client, "ann@example.com")
    for environment, shown, hidden in (("live", "MINE", ("SANDY", "THEIRS")), ("sandbox", "SANDY", ("MINE", "THEIRS"))):
        switch(client, csrf, environment)
        for path in ("/app/sales-orders", "/app/sales-orders/SO-00001"):
            text = client.get(path).text
            assert f"{shown} customer" in text, f"{environment} {path}"
            assert not [h for h in hidden if h in text], f"{environment} {path}"
    switch(client, csrf, "live")
    assert client.get(f"/app/sales-orders/{mine['id']}").status_code == 200
    for other in (sandboxed["id"], theirs["id"]):
        refused = client.get(f"/app/sales-orders/{other}")
        assert refused.status_code == 404 and "Sales order not found" in refused.text
        assert "SANDY" not in refused.text and "THEIRS" not in refused.text


def test_the_order_page_shows_lines_shipments_and_the_forms(client, workspace, owner):
    shop(client, key_headers(workspace), "MINE")
    page = client.get("/app/sales-orders/so-00001").text
    assert "Partially shipped</strong>status" in page and "15.00</strong>total" in page and "MINE-PO" in page
    assert "<td>1</td><td><a href=\"/app/items/MINE-BOLT\">MINE-BOLT</a></td><td>MINE bolt</td><td>5 pcs</td>" in page
    assert "<td>SH-00001</td>" in page and "MINE-BOLT × 2" in page and "MINE carrier" in page
    assert page.count(f'action="{METHOD}shipment.api.create_shipment"') == 2
    assert "Ship line 1: MINE-BOLT (3 left)" in page and 'value="3"' in page
    assert page.count("name=serial_numbers_text") == 1  # the serial-tracked line picks its units
    assert f'action="{METHOD}sales_order.api.cancel_sales_order"' not in page  # something has shipped
    listing = client.get("/app/sales-orders").text
    assert 'href="/app/sales-orders/SO-00001">SO-00001' in listing and "2 of 7" in listing
    assert f'action="{METHOD}sales_order.api.create_sales_order"' in listing and "MINE customer</option>" in listing


def test_the_forms_create_confirm_ship_by_serial_and_cancel(client, workspace, owner):
    headers = key_headers(workspace)
    shop(client, headers, "MINE")
    customer = client.get(METHOD + "party.api.get_party", params={"party_id": "MINE customer"},
                          headers=headers).json()["message"]["id"]
    made = form(client, owner, "sales_order.api.create_sales_order", customer=customer,
                lines_text="MINE-BIKE 2\nmine-bolt 1 9.5", reference="PO-2", confirm="false")["message"]
    assert made["number"] == "SO-00002" and made["status"] == "draft"
    page = client.get("/app/sales-orders/SO-00002").text
    assert f'action="{METHOD}sales_order.api.confirm_sales_order"' in page and "create_shipment" not in page
    form(client, owner, "sales_order.api.confirm_sales_order", order=made["id"])
    shipped = form(client, owner, "shipment.api.create_shipment", order=made["id"], warehouse="MINE-WH", line="1",
                   serial_numbers_text="MINE-SN-2\n\nMINE-SN-1\n")["message"]
    assert shipped["serial_numbers"] == ["MINE-SN-2", "MINE-SN-1"] and shipped["order_status"] == "partially_shipped"
    assert f'action="{METHOD}sales_order.api.close_sales_order"' in client.get("/app/sales-orders/SO-00002").text
    refused = form(client, owner, "shipment.api.create_shipment", 417, order=made["id"], warehouse="MINE-WH",
                   line="2", quantity="5")
    assert "lines.0.quantity" in refused["field_errors"] and "1 left to ship" in refused["exception"]
    form(client, owner, "shipment.api.create_shipment", order=made["id"], warehouse="MINE-WH", line="2", quantity="1")
    page = client.get("/app/sales-orders/SO-00002").text
    assert "Shipped</strong>status" in page and "create_shipment" not in page and "MINE-SN-2, MINE-SN-1" in page
    assert "close_sales_order" not in page
    bad = form(client, owner, "sales_order.api.create_sales_order", 417, customer=customer, lines_text="MINE-BOLT lots")
    assert bad["field_errors"]["lines_text"][0].startswith("Row 1: quantity")
    third = form(client, owner, "sales_order.api.create_sales_order", customer=customer, lines_text="MINE-BOLT 1",
                 confirm="true")["message"]
    assert f'action="{METHOD}sales_order.api.cancel_sales_order"' in client.get("/app/sales-orders/SO-00003").text
    form(client, owner, "sales_order.api.cancel_sales_order", order=third["id"])
    assert "Cancelled</strong>status" in client.get("/app/sales-orders/SO-00003").text


def test_the_create_form_asks_for_a_customer_first_and_the_ship_form_for_a_warehouse(client, owner):
    assert 'href="/app/parties">add a party' in client.get("/app/sales-orders").text
    form(client, owner, "party.api.upsert_party", name="Solo", roles="customer")
    form(client, owner, "item.api.create_item", sku="BOLT", name="Bolt")
    form(client, owner, "sales_order.api.create_sales_order", customer="Solo", lines_text="BOLT 1", confirm="true")
    page = client.get("/app/sales-orders/SO-00001").text
    assert 'href="/app/warehouses">create a warehouse' in page and "create_shipment" not in page


def test_a_viewer_sees_no_forms(client, workspace, member):
    made = shop(client, key_headers(workspace), "MINE")
    member("vic@example.com", "viewer")
    csrf = sign_in_headers(client, "vic@example.com")
    for path in ("/app/sales-orders", "/app/sales-orders/SO-00001"):
        page = client.get(path)
        assert page.status_code == 200 and "MINE" in page.text
        assert page.text.count("<form method=post") == 2, path  # the header's: switch environment, sign out
    form(client, csrf, "shipment.api.create_shipment", 403, order=made["id"], warehouse="MINE-WH", line="1",
         quantity="1")


def test_the_status_filter_and_pages(client, workspace, owner, monkeypatch):
    headers = key_headers(workspace)
    shop(client, headers, "MINE")
    call(client, headers, "sales_order.api.create_sales_order", customer="MINE customer",
         lines=[{"item": "MINE-BOLT", "quantity": 1}])
    assert "SO-00002" in client.get("/app/sales-orders", params={"status": "draft"}).text
    page = client.get("/app/sales-orders", params={"status": "partially_shipped"}).text
    assert "SO-00001" in page and "SO-00002" not in page
    assert "No sales orders match" in client.get("/app/sales-orders", params={"status": "shipped"}).text
    monkeypatch.setattr(order_pages, "PAGE_SIZE", 1)
    first = client.get("/app/sales-orders").text
    assert "SO-00002" in first and "SO-00001" not in first and 'href="/app/sales-orders?offset=1">Older' in first
    assert "SO-00001" in client.get("/app/sales-orders", params={"offset": "1"}).text


@pytest.mark.parametrize("query", [{"status": "open"}, {"offset": "-1"}, {"offset": "x"}, {"offset": "9" * 40},
                                   {"status": "\x00"}])
def test_a_bad_query_is_a_417_page(client, owner, query):
    response = client.get("/app/sales-orders", params=query)
    assert response.status_code == 417 and response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("ref", ["SO-00009", "0" * 32, "a" * 65, "bad ref", "%25", "ü", "SO-" + "9" * 20])
def test_an_unknown_order_is_a_404_page(client, owner, ref):
    response = client.get(f"/app/sales-orders/{ref}")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
