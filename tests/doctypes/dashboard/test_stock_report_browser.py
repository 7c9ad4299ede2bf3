"""The stock report in a real headless Chromium: reach it from the navigation, see the valuation
and the item below its reorder level, choose a warehouse, and download the valuation's CSV."""

from __future__ import annotations

import pytest

from tests.support.browser import post
from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace, site):
    add_person(rt, "ann@example.com", "viewer")
    post(site.api, "doctypes.item.api.create_item", sku="BOLT", name="Bolt", reorder_level=50)
    for code in ("WH1", "WH2"):
        post(site.api, "doctypes.warehouse.api.create_warehouse", code=code, name=f"Store {code}")
    post(site.api, "doctypes.stock.api.receive", item="BOLT", warehouse="WH1", quantity=30, unit_cost=2)
    post(site.api, "doctypes.stock.api.receive", item="BOLT", warehouse="WH2", quantity=10, unit_cost=2)


def test_the_report_its_warehouse_choice_and_its_csv(site, ann, open_page):
    page, _ = open_page(site.base + "/app")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app")
    page.get_by_role("link", name="Stock report").click()
    page.wait_for_url(site.base + "/app/stock-report")
    valuation = page.get_by_role("table", name="Valuation, by SKU")
    assert valuation.locator("tbody tr td").all_text_contents() == ["BOLT", "Bolt", "40 pcs", "80.00", "2.00"]
    short = page.get_by_role("table", name="Items below their reorder level, by SKU")
    assert short.locator("tbody tr td").all_text_contents() == ["BOLT", "Bolt", "40 pcs", "50", "10"]

    page.get_by_label("Warehouse").select_option("WH2")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(site.base + "/app/stock-report?warehouse=WH2")
    assert valuation.locator("tbody tr td").all_text_contents() == ["BOLT", "Bolt", "10 pcs", "20.00", "2.00"]

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the valuation as CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines() == ["SKU,Name,Unit,Quantity,Value,Average cost", "BOLT,Bolt,pcs,10,20.0,2.0"]
