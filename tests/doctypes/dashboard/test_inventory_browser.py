"""Inventory in a real headless Chromium: create an item and a warehouse, receive 10, issue 3,
see 7 on the item's page and the two entries in the stock ledger."""

from __future__ import annotations

import re

import pytest

from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def move(page, label: str, quantity: str) -> None:
    """Open the item page's `label` form (Receive, Issue), post `quantity` from the first warehouse."""
    page.locator("summary", has_text=label).click()
    form = page.locator("details", has=page.locator("summary", has_text=label)).locator("form")
    form.get_by_label("Quantity").fill(quantity)
    form.get_by_role("button", name=label).click()


def test_create_an_item_and_a_warehouse_receive_issue_and_see_the_ledger(site, ann, open_page):
    page, _ = open_page(site.base + "/app/warehouses")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/warehouses")
    page.get_by_label(re.compile(r"^Code \(")).fill("wh1")
    page.get_by_label("Name", exact=True).fill("Main store")
    page.get_by_label(re.compile("^Bins besides MAIN")).fill("A1\nA2")
    page.get_by_role("button", name="Create warehouse").click()
    page.get_by_role("cell", name="A1, A2, MAIN").wait_for()

    page.get_by_role("link", name="Items", exact=True).first.click()
    page.wait_for_url(site.base + "/app/items")
    page.get_by_label(re.compile(r"^SKU \(")).fill("screw-4")
    page.get_by_label("Name", exact=True).fill("Screw 4 mm")
    page.get_by_role("button", name="Create item").click()
    page.get_by_role("link", name="SCREW-4").click()
    page.wait_for_url(site.base + "/app/items/SCREW-4")
    stats = page.locator(".stats li").first
    assert "0 pcs" in stats.text_content()

    move(page, "Receive", "10")
    stats.filter(has_text="10 pcs").wait_for()
    move(page, "Issue", "3")
    stats.filter(has_text="7 pcs").wait_for()
    assert page.get_by_role("cell", name="WH1", exact=True).is_visible()

    page.get_by_role("link", name="Stock ledger").first.click()
    page.wait_for_url(site.base + "/app/stock-ledger")
    kinds = page.locator("tbody tr td:nth-child(2)").all_text_contents()
    assert kinds == ["Issue", "Receipt"]
    assert page.locator("tbody tr td:nth-child(5)").all_text_contents() == ["-3", "+10"]
