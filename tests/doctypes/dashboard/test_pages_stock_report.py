"""The stock report page over HTTP (/app/stock-report): the valuation in all warehouses or one,
the items below their reorder level, both tables' CSV (formula cells guarded), bad queries,
tenancy and sandbox, and a viewer's read."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support.dashboard import call, sign_in_headers
from tests.support.helpers import key_headers

METHOD = "/api/method/doctypes."
PATH = "/app/stock-report"



def stock(client, headers, marker: str) -> None:
    """BOLT: 10 at 2.50 in WH, 4 at 4.00 in WH2, then 3 issued (reorder level 20); NUT: none (level 5)."""
    call(client, headers, "item.api.create_item", sku=f"{marker}-BOLT", name=f"{marker} bolt", reorder_level=20)
    call(client, headers, "item.api.create_item", sku=f"{marker}-NUT", name=f"=cmd|{marker}", reorder_level=5)
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH", name=f"{marker} store")
    call(client, headers, "warehouse.api.create_warehouse", code=f"{marker}-WH2", name=f"{marker} second")
    for warehouse, quantity, cost in ((f"{marker}-WH", 10, "2.5"), (f"{marker}-WH2", 4, 4)):
        call(client, headers, "stock.api.receive", item=f"{marker}-BOLT", warehouse=warehouse, quantity=quantity,
             unit_cost=cost)
    call(client, headers, "stock.api.issue", item=f"{marker}-BOLT", warehouse=f"{marker}-WH", quantity=3)


def rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), response.text
    return list(csv.reader(io.StringIO(response.text)))


@pytest.fixture
def viewer(client, member, workspace):
    stock(client, key_headers(workspace), "MINE")
    member("vic@example.com", "viewer")
    return sign_in_headers(client, "vic@example.com")


def test_the_valuation_and_the_items_below_their_reorder_level(client, viewer):
    page = client.get(PATH)
    assert page.status_code == 200 and "<h1>Stock report</h1>" in page.text
    assert 'href="/app/stock-report" aria-current=page' in page.text
    # BOLT: 14 worth 41.00 (average 2.9285...), 3 issued at it: 11 worth 32.2143 (41 - 8.7857)
    assert "Total value <strong>32.2143</strong> of 1 items" in page.text
    assert '<a href="/app/items/MINE-BOLT">MINE-BOLT</a></td><td>MINE bolt</td><td>11 pcs</td><td>32.2143</td>' in page.text
    assert "2 active items hold less than their reorder level" in page.text
    assert "<td>9</td>" in page.text and "=cmd|MINE" in page.text  # BOLT 9 short; NUT's name escaped, shown
    assert 'href="/app/stock-report?table=valuation&amp;format=csv"' in page.text
    assert 'href="/app/stock-report?table=below-reorder&amp;format=csv"' in page.text


def test_one_warehouse_is_valued_at_the_items_average_cost(client, viewer):
    page = client.get(PATH, params={"warehouse": "mine-wh2"})
    assert "Valuation in MINE-WH2" in page.text and "<td>4 pcs</td><td>11.7142</td>" in page.text
    assert '<option value="MINE-WH2" selected>' in page.text
    assert rows(client.get(PATH, params={"warehouse": "MINE-WH2", "format": "csv", "table": "valuation"})) == [
        ["SKU", "Name", "Unit", "Quantity", "Value", "Average cost"], ["MINE-BOLT", "MINE bolt", "pcs", "4", "11.7142",
                                                                        "2.9285"]]


def test_both_tables_as_csv(client, viewer):
    valuation = client.get(PATH, params={"format": "csv"})
    assert valuation.headers["content-disposition"] == 'attachment; filename="stock-valuation.csv"'
    assert rows(valuation)[1] == ["MINE-BOLT", "MINE bolt", "pcs", "11", "32.2143", "2.9285"]
    short = client.get(PATH, params={"format": "csv", "table": "below-reorder"})
    assert rows(short) == [["SKU", "Name", "Unit", "Quantity", "Reorder level", "Shortfall"],
                           ["MINE-BOLT", "MINE bolt", "pcs", "11", "20", "9"],
                           ["MINE-NUT", "'=cmd|MINE", "pcs", "0", "5", "5"]]


@pytest.mark.parametrize("query", [{"warehouse": "NOPE"}, {"warehouse": "x" * 5000}, {"offset": "-1"},
                                   {"format": "pdf"}, {"format": "csv", "table": "other"}, {"offset": "x"}])
def test_bad_queries_are_417(client, viewer, query):
    response = client.get(PATH, params=query)
    assert response.status_code == 417, response.text


def test_only_this_workspace_and_environment(client, viewer, workspace, make_workspace):
    stock(client, key_headers(workspace, "sandbox"), "SANDY")
    stock(client, key_headers(make_workspace("other")), "THEIRS")
    for query in ({}, {"format": "csv"}, {"format": "csv", "table": "below-reorder"}):
        text = client.get(PATH, params=query).text
        assert "MINE-BOLT" in text and "SANDY" not in text and "THEIRS" not in text
    assert client.get(PATH, params={"warehouse": "THEIRS-WH"}).status_code == 417
    assert client.get(PATH, params={"warehouse": "SANDY-WH"}).status_code == 417
    switched = client.post(METHOD + "session.api.switch", data={"environment": "sandbox"}, headers=viewer)
    assert switched.status_code == 200, switched.text
    text = client.get(PATH).text
    assert "SANDY-BOLT" in text and "MINE" not in text and "THEIRS" not in text


def test_signed_out_goes_to_the_sign_in_page(client):
    response = client.get(PATH, follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/login")
