"""Purchase orders in a real headless Chromium: create a draft from the vendor's catalogue,
place it, receive 4 then the other 6, and see the order received and the stock in the bin."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import post
from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def receive(page, quantity: str) -> None:
    """Open line 1's Receive form and post `quantity` into the first warehouse."""
    summary = page.locator("summary", has_text="Receive line 1")
    summary.click()
    form = page.locator("details", has=summary).locator("form")
    form.get_by_label("Quantity").fill(quantity)
    form.get_by_role("button", name="Receive line 1").click()


def test_create_place_and_receive_an_order_in_two_parts(site, ann, open_page):
    post(site.api, "doctypes.party.api.upsert_party", name="Acme Supply", roles=["vendor"])
    post(site.api, "doctypes.item.api.create_item", sku="BOLT", name="Bolt M6")
    post(site.api, "doctypes.vendor_item.api.set_vendor_item", vendor="Acme Supply", item="BOLT", price="0.5")
    post(site.api, "doctypes.warehouse.api.create_warehouse", code="WH1", name="Main store")

    page, _ = open_page(site.base + "/app/purchase-orders")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/purchase-orders")
    page.get_by_label(re.compile("^Lines: one a row")).fill("bolt 10")
    page.get_by_label("Reference (the vendor quote)").fill("Q-42")
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("link", name="PO-00001").click()
    page.wait_for_url(site.base + "/app/purchase-orders/PO-00001")
    status = page.locator(".stats li").first
    assert "Draft" in status.text_content()
    assert page.get_by_role("cell", name="5.00", exact=True).count() == 1  # 10 at the catalogue's 0.50

    page.get_by_role("button", name="Place order").click()
    status.filter(has_text="Ordered").wait_for()
    receive(page, "4")
    status.filter(has_text="Partially received").wait_for()
    assert page.get_by_role("cell", name="+4", exact=True).is_visible()
    receive(page, "6")
    status.filter(has_text=re.compile(r"^Received")).wait_for()
    assert "Receive line 1" not in page.content()

    page.get_by_role("link", name="BOLT").first.click()
    page.wait_for_url(site.base + "/app/items/BOLT")
    assert "10 pcs" in page.locator(".stats li").first.text_content()
