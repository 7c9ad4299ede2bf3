"""Sales orders in a real headless Chromium: with a customer, a serial-tracked bike and bolts in
stock, create an order from the form, confirm it, ship the bolts and pick two bikes by serial,
and see the order shipped with its shipments."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import post
from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def ship(page, label: str, **fields: str) -> None:
    """Open the Ship form whose summary starts with `label`, fill `fields` (by label), post it."""
    page.locator("summary", has_text=label).click()
    form = page.locator("details", has=page.locator("summary", has_text=label)).locator("form")
    for name, value in fields.items():
        form.get_by_label(name).fill(value)
    form.get_by_role("button", name=label.split(":")[0]).click()


def test_create_confirm_and_ship_an_order_picking_serials(site, ann, open_page):
    post(site.api, "doctypes.party.api.upsert_party", name="Wheel World", roles=["customer"])
    post(site.api, "doctypes.item.api.create_item", sku="BOLT", name="Bolt M6")
    post(site.api, "doctypes.item.api.create_item", sku="BIKE", name="Road bike", tracking="serial")
    post(site.api, "doctypes.warehouse.api.create_warehouse", code="WH1", name="Main store")
    post(site.api, "doctypes.stock.api.receive", item="BOLT", warehouse="WH1", quantity=50)
    post(site.api, "doctypes.stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=["RB-1", "RB-2", "RB-3"])

    page, _ = open_page(site.base + "/app/sales-orders")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/sales-orders")
    page.get_by_label("Lines: one a row, ITEM QUANTITY [UNIT PRICE]").fill("BOLT 20 0.5\nBIKE 2 899")
    page.get_by_label("Customer reference (their order number)").fill("WW-7")
    page.get_by_role("button", name="Create order").click()
    page.get_by_role("link", name="SO-00001").click()
    page.wait_for_url(site.base + "/app/sales-orders/SO-00001")
    page.get_by_role("button", name="Confirm").click()
    status = page.locator(".stats li").first
    status.filter(has_text="Confirmed").wait_for()

    ship(page, "Ship line 1: BOLT", Quantity="20")
    status.filter(has_text="Partially shipped").wait_for()
    ship(page, "Ship line 2: BIKE", **{"Serial numbers, one a line": "RB-3\nRB-1", "Carrier": "DHL"})
    status.filter(has_text=re.compile("^Shipped")).wait_for()
    rows = page.locator("table").last.locator("tbody tr")
    assert rows.count() == 2
    assert "RB-3, RB-1" in rows.first.text_content() and "DHL" in rows.first.text_content()
    assert post(site.api, "doctypes.stock.api.receive", item="BIKE", warehouse="WH1", serial_numbers=["RB-1"])[
        "quantity"] == 1  # it left: it can come back
