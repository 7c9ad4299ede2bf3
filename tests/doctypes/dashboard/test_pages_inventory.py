"""The inventory pages over HTTP (/app/items, /app/items/<item>, /app/warehouses,
/app/stock-ledger): tenancy and sandbox, filters, order, pages and CSV, bad queries, what a
viewer sees, and the forms' posts through the item, warehouse and stock methods."""

from __future__ import annotations

import csv
import io

import pytest

from doctypes.dashboard import items as items_pages
from doctypes.dashboard import ledger as ledger_pages
from doctypes.dashboard import warehouses as warehouse_pages
from tests.support.dashboard import call, form, sign_in_headers
from tests.support.helpers import key_headers

METHOD = "/api/method/doctypes."




def stock(client, headers, marker: str) -> dict:
    """An item, a warehouse with bin A1, 10 received and 3 issued; answers the item."""
    item = call(client, headers, "item.api.create_item", sku=f"{marker}-BOLT", name=f"{marker} bolt", reorder_level=8)
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH", name=f"{marker} store", bins=["A1"])
    call(client, headers, "stock.api.receive", item=item["sku"], warehouse=f"{marker}-WH", quantity=10,
         unit_cost="2.5", reason=f"{marker} in")
    call(client, headers, "stock.api.issue", item=item["sku"], warehouse=f"{marker}-WH", quantity=3,
         reason=f"{marker} out")
    return item


def switch(client, csrf: dict[str, str], environment: str) -> None:
    form(client, csrf, "session.api.switch", environment=environment)


def rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), response.text
    return list(csv.reader(io.StringIO(response.text)))


@pytest.fixture
def owner(client, member):
    member("ann@example.com", "owner")
    return sign_in_headers(client, "ann@example.com")


# -- tenancy and sandbox --------------------------------------------------------------------------

def test_the_pages_show_this_workspace_and_environment_only(client, member, workspace, make_workspace):
    mine = stock(client, key_headers(workspace), "MINE")
    sandboxed = stock(client, key_headers(workspace, "sandbox"), "SANDY")
    theirs = stock(client, key_headers(make_workspace("other")), "THEIRS")
    member("ann@example.com", "viewer")
    csrf = sign_in_headers(client, "ann@example.com")
    for environment, shown, hidden in (("live", "MINE", ("SANDY", "THEIRS")), ("sandbox", "SANDY", ("MINE", "THEIRS"))):
        switch(client, csrf, environment)
        for path in ("/app/items", "/app/warehouses", "/app/stock-ledger", "/app/items?format=csv",
                     "/app/warehouses?format=csv", "/app/stock-ledger?format=csv", f"/app/items/{shown}-BOLT"):
            text = client.get(path).text
            assert shown in text, f"{environment} {path}"
            assert not [h for h in hidden if h in text], f"{environment} {path}"
    switch(client, csrf, "live")
    assert client.get(f"/app/items/{mine['id']}").status_code == 200
    for other in (sandboxed["id"], theirs["id"], "SANDY-BOLT", "THEIRS-BOLT"):
        refused = client.get(f"/app/items/{other}")
        assert refused.status_code == 404 and "Item not found" in refused.text
        assert "SANDY" not in refused.text and "THEIRS" not in refused.text
    assert client.get("/app/stock-ledger", params={"item": "THEIRS-BOLT"}).status_code == 417
    assert client.get("/app/stock-ledger", params={"warehouse": "SANDY-WH"}).status_code == 417


# -- the item's page ------------------------------------------------------------------------------

def test_the_item_page_shows_levels_value_cost_reorder_flag_and_recent_entries(client, workspace, owner):
    item = stock(client, key_headers(workspace), "MINE")
    by_sku = client.get("/app/items/mine-bolt")  # its SKU in any case, or its id
    assert by_sku.status_code == 200
    page = client.get(f"/app/items/{item['id']}").text
    assert "7 pcs</strong>in stock" in page and "Below its reorder level" in page
    assert "17.50</strong>value" in page and "2.50</strong>average cost" in page
    assert "<td>MINE-WH</td><td>MAIN</td><td></td><td>7</td>" in page
    assert "MINE in" in page and "MINE out" in page and "+10" in page and "-3" in page
    assert 'href="/app/stock-ledger?item=MINE-BOLT">All 2 entries' in page
    for method in ("receive", "issue", "transfer", "adjust", "count"):
        assert f'action="{METHOD}stock.api.{method}"' in page
    assert "serial_numbers_text" not in page and 'name="batch"' not in page


def test_the_item_page_recent_entries_are_fifty_with_a_link_to_the_rest(client, workspace, owner, monkeypatch):
    monkeypatch.setattr(items_pages, "RECENT_ENTRIES", 2)
    headers = key_headers(workspace)
    stock(client, headers, "MINE")
    call(client, headers, "stock.api.adjust", item="MINE-BOLT", warehouse="MINE-WH", change=1, reason="found one")
    page = client.get("/app/items/MINE-BOLT").text
    assert "found one" in page and "MINE out" in page and "MINE in" not in page
    assert "All 3 entries" in page


def test_a_serial_tracked_item_moves_by_serial_numbers_one_a_line(client, workspace, owner):
    form(client, owner, "item.api.create_item", sku="BIKE", name="Bike", tracking="serial")
    form(client, owner, "warehouse.api.create_warehouse", code="WH1", name="Main")
    page = client.get("/app/items/BIKE").text
    assert page.count('name=serial_numbers_text') == 4  # receive, issue, transfer, adjust
    form(client, owner, "stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers_text="B-1\nB-2\n\nB-3")
    form(client, owner, "stock.api.issue", item="BIKE", warehouse="WH1", serial_numbers_text="B-2")
    refused = form(client, owner, "stock.api.issue", 417, item="BIKE", warehouse="WH1", serial_numbers_text="B-2")
    assert "serial_numbers" in refused["field_errors"]  # shown beside the textarea: data-error-for=serial_numbers
    page = client.get("/app/items/BIKE").text
    assert "2 serial numbers in stock" in page and "data-error-for=serial_numbers>" in page
    assert "<code>B-2</code>" in page


def test_a_batch_tracked_item_asks_for_the_batch(client, workspace, owner):
    form(client, owner, "item.api.create_item", sku="PAINT", name="Paint", tracking="batch", unit="l")
    form(client, owner, "warehouse.api.create_warehouse", code="WH1", name="Main")
    assert client.get("/app/items/PAINT").text.count('name="batch"') == 5
    form(client, owner, "stock.api.receive", item="PAINT", warehouse="WH1", quantity="2.5", batch="L1")
    assert "<td>WH1</td><td>MAIN</td><td>L1</td><td>2.5</td>" in client.get("/app/items/PAINT").text


def test_the_item_page_without_a_warehouse_says_to_create_one(client, owner):
    form(client, owner, "item.api.create_item", sku="BOLT", name="Bolt")
    page = client.get("/app/items/BOLT").text
    assert 'href="/app/warehouses">create a warehouse' in page and "stock.api.receive" not in page


# -- the forms, through the methods ---------------------------------------------------------------

def test_the_forms_create_receive_issue_transfer_adjust_count_and_deactivate(client, owner):
    items_page = client.get("/app/items").text
    assert f'action="{METHOD}item.api.create_item"' in items_page
    assert f'action="{METHOD}warehouse.api.create_warehouse"' in client.get("/app/warehouses").text
    form(client, owner, "item.api.create_item", sku="bolt", name="Bolt M6", tracking="none", reorder_level="5")
    created = form(client, owner, "warehouse.api.create_warehouse", code="wh1", name="Main", bins_text="a1\nB2")
    assert [b["code"] for b in created["message"]["bins"]] == ["A1", "B2", "MAIN"]
    form(client, owner, "warehouse.api.add_bin", warehouse=created["message"]["id"], bin="c3")
    assert "A1, B2, C3, MAIN" in client.get("/app/warehouses").text

    form(client, owner, "stock.api.receive", item="BOLT", warehouse="WH1", quantity="10", unit_cost="2")
    form(client, owner, "stock.api.issue", item="BOLT", warehouse="WH1", quantity="3")
    form(client, owner, "stock.api.transfer", item="BOLT", from_warehouse="WH1", to_warehouse="WH1", to_bin="A1",
         quantity="2")
    form(client, owner, "stock.api.adjust", item="BOLT", warehouse="WH1", bin="A1", change="-1", reason="broken")
    form(client, owner, "stock.api.count", item="BOLT", warehouse="WH1", counted="4")
    page = client.get("/app/items/BOLT").text
    assert "<td>WH1</td><td>A1</td><td></td><td>1</td>" in page and "<td>WH1</td><td>MAIN</td><td></td><td>4</td>" in page
    assert "5 pcs</strong>in stock" in page and "Below its reorder level" not in page
    ledger = client.get("/app/stock-ledger").text
    for kind in ("Receipt", "Issue", "Transfer", "Adjustment", "Count"):
        assert f"<td>{kind}</td>" in ledger
    assert "6 entries" in ledger  # a transfer is two

    short = form(client, owner, "stock.api.issue", 417, item="BOLT", warehouse="WH1", quantity="50")
    assert "quantity" in short["field_errors"]
    assert f'action="{METHOD}item.api.deactivate_item"' in client.get("/app/items").text
    form(client, owner, "item.api.deactivate_item", item="BOLT")
    assert f'action="{METHOD}item.api.activate_item"' in client.get("/app/items").text
    page = client.get("/app/items/BOLT").text
    assert "Inactive: stock moves refuse this item" in page and "stock.api.receive" not in page


def test_a_viewer_sees_no_forms(client, workspace, member):
    stock(client, key_headers(workspace), "MINE")
    member("vic@example.com", "viewer")
    csrf = sign_in_headers(client, "vic@example.com")
    for path in ("/app/items", "/app/items/MINE-BOLT", "/app/warehouses", "/app/stock-ledger"):
        page = client.get(path)
        assert page.status_code == 200 and "MINE" in page.text
        assert page.text.count("<form method=post") == 2, path  # the header's: switch environment, sign out
    refused = form(client, csrf, "stock.api.receive", 403, item="MINE-BOLT", warehouse="MINE-WH", quantity="1")
    assert refused["exc_type"]


# -- filters, order, pages, CSV -------------------------------------------------------------------

def test_items_filters_sort_pages_and_csv(client, workspace, owner, monkeypatch):
    headers = key_headers(workspace)
    for sku, name, tracking in (("A-1", "Anvil", "none"), ("B-1", "Bike", "serial"), ("C-1", "Chalk", "batch"),
                                ("D-1", "=cmd()", "none")):
        call(client, headers, "item.api.create_item", sku=sku, name=name, tracking=tracking)
    call(client, headers, "item.api.deactivate_item", item="C-1")
    page = client.get("/app/items", params={"search": "bik"}).text
    assert "B-1" in page and "A-1" not in page
    page = client.get("/app/items", params={"tracking": "batch"}).text
    assert "C-1" in page and "A-1" not in page
    page = client.get("/app/items", params={"active": "inactive"}).text
    assert "C-1" in page and "A-1" not in page
    assert [r[1] for r in rows(client.get("/app/items", params={"format": "csv", "sort": "-sku"}))[1:]] == [
        "D-1", "C-1", "B-1", "A-1"]
    table = rows(client.get("/app/items", params={"format": "csv", "offset": "1"}))
    assert table[0][:3] == ["Id", "SKU", "Name"] and [r[1] for r in table[1:]] == ["B-1", "C-1", "D-1"]
    assert "'=cmd()" in client.get("/app/items", params={"format": "csv"}).text

    monkeypatch.setattr(items_pages, "PAGE_SIZE", 2)
    first = client.get("/app/items", params={"sort": "-created", "active": "active"}).text
    assert "D-1" in first and "B-1" in first and "A-1" not in first
    assert 'href="/app/items?active=active&amp;sort=-created&amp;offset=2">Older' in first
    older = client.get("/app/items", params={"sort": "-created", "active": "active", "offset": "2"}).text
    assert "A-1" in older and "Newer" in older and "Older" not in older


def test_warehouses_filters_sort_pages_and_csv(client, workspace, owner, monkeypatch):
    headers = key_headers(workspace)
    for code, name in (("W1", "North"), ("W2", "South"), ("W3", "East")):
        call(client, headers, "warehouse.api.create_warehouse", code=code, name=name, bins=[f"{code}-A"])
    call(client, headers, "warehouse.api.update_warehouse", warehouse="W3", active=False)
    call(client, headers, "warehouse.api.deactivate_bin", warehouse="W1", bin="W1-A")
    page = client.get("/app/warehouses", params={"search": "sou"}).text
    assert "South" in page and "North" not in page
    page = client.get("/app/warehouses", params={"active": "inactive"}).text
    assert "East" in page and "North" not in page and "Add bin to W3" not in page
    assert "MAIN, W1-A (inactive)" in client.get("/app/warehouses").text
    table = rows(client.get("/app/warehouses", params={"format": "csv", "sort": "-code"}))
    assert [r[1] for r in table[1:]] == ["W3", "W2", "W1"] and table[3][5:7] == ["MAIN W1-A", "W1-A"]
    monkeypatch.setattr(warehouse_pages, "PAGE_SIZE", 2)
    first = client.get("/app/warehouses").text
    assert "W2" in first and "W3" not in first and "offset=2" in first


def test_ledger_filters_sort_pages_and_csv(client, workspace, owner, monkeypatch):
    headers = key_headers(workspace)
    stock(client, headers, "ONE")
    stock(client, headers, "TWO")
    call(client, headers, "stock.api.adjust", item="ONE-BOLT", warehouse="TWO-WH", change=2, reason="=found")
    page = client.get("/app/stock-ledger", params={"item": "one-bolt"}).text
    assert "3 entries" in page and "TWO in" not in page
    page = client.get("/app/stock-ledger", params={"warehouse": "TWO-WH"}).text
    assert "3 entries" in page and "ONE in" not in page
    page = client.get("/app/stock-ledger", params={"kind": "adjustment"}).text
    assert "1 entries" in page and "=found" in page
    newest = [r[12] for r in rows(client.get("/app/stock-ledger", params={"format": "csv"}))[1:]]
    assert newest == ["'=found", "TWO out", "TWO in", "ONE out", "ONE in"]
    oldest = rows(client.get("/app/stock-ledger", params={"format": "csv", "sort": "created", "offset": "3"}))
    assert [r[12] for r in oldest[1:]] == ["TWO out", "'=found"]
    monkeypatch.setattr(ledger_pages, "PAGE_SIZE", 2)
    first = client.get("/app/stock-ledger", params={"item": "ONE-BOLT"}).text
    assert "Older" in first and "item=ONE-BOLT" in first and "ONE in" not in first


@pytest.mark.parametrize("path,query", [
    ("/app/items", {"tracking": "lots"}), ("/app/items", {"active": "yes"}), ("/app/items", {"sort": "name"}),
    ("/app/items", {"offset": "-1"}), ("/app/items", {"format": "pdf"}), ("/app/items", {"search": "\x00"}),
    ("/app/warehouses", {"active": "1"}), ("/app/warehouses", {"sort": "-name"}), ("/app/warehouses", {"offset": "x"}),
    ("/app/stock-ledger", {"kind": "theft"}), ("/app/stock-ledger", {"item": "' OR 1=1 --"}),
    ("/app/stock-ledger", {"item": "NOPE"}), ("/app/stock-ledger", {"warehouse": "a" * 5000}),
    ("/app/stock-ledger", {"sort": "-id"}), ("/app/stock-ledger", {"offset": "9" * 40}),
    ("/app/stock-ledger", {"format": "json"}), ("/app/items/BOLT", {"offset": "x"}),
])
def test_a_bad_query_is_a_417_page(client, owner, path, query):
    form(client, owner, "item.api.create_item", sku="BOLT", name="Bolt")
    response = client.get(path, params=query)
    assert response.status_code in (417, 200) and response.headers["content-type"].startswith("text/html")
    if path != "/app/items/BOLT":  # the item's page reads no query
        assert response.status_code == 417, response.text


@pytest.mark.parametrize("ref", ["NOPE", "0" * 32, "a" * 65, "bad sku", "%25", "ü"])
def test_an_unknown_item_is_a_404_page(client, owner, ref):
    response = client.get(f"/app/items/{ref}")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
