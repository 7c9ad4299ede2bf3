"""BOMs and builds in a real headless Chromium: create a BOM with its lines one a line, plan a
build of two serialised units, see what it needs against the warehouse, complete it, and see
its serial numbers and the kit in stock."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import post
from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def test_create_a_bom_plan_and_complete_a_build(site, ann, open_page):
    post(site.api, "doctypes.item.api.create_item", sku="LAMP", name="Desk lamp", tracking="serial")
    for sku in ("SHADE", "CABLE"):
        post(site.api, "doctypes.item.api.create_item", sku=sku, name=sku.title())
    post(site.api, "doctypes.warehouse.api.create_warehouse", code="WH1", name="Works")
    post(site.api, "doctypes.stock.api.receive", item="SHADE", warehouse="WH1", quantity=2, unit_cost=5)
    post(site.api, "doctypes.stock.api.receive", item="CABLE", warehouse="WH1", quantity=1, unit_cost=2)

    page, _ = open_page(site.base + "/app/boms")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/boms")
    page.get_by_label(re.compile(r"^Item SKU \(")).fill("lamp")
    page.get_by_label(re.compile("^Components, one")).fill("SHADE 1\nCABLE 0.5")
    page.get_by_role("button", name="Create BOM").click()
    page.get_by_role("cell", name="SHADE × 1, CABLE × 0.5").wait_for()

    page.get_by_role("link", name="Builds", exact=True).first.click()
    page.wait_for_url(site.base + "/app/builds")
    page.get_by_label(re.compile(r"^Item SKU \(")).fill("LAMP")
    page.get_by_label("Quantity", exact=True).fill("2")
    page.get_by_label(re.compile("^Serial number prefix")).fill("DL-")
    page.get_by_role("button", name="Plan build").click()
    page.get_by_role("cell", name="Planned").wait_for()
    page.locator("tbody a[href^='/app/builds/']").first.click()
    page.wait_for_url(re.compile(r"/app/builds/\w+$"))
    assert page.get_by_text("Everything is there").is_visible()
    page.get_by_role("button", name="Complete build").click()
    page.locator(".stats li").first.filter(has_text="Completed").wait_for()
    assert "DL-000001, DL-000002" in page.text_content("main")
    assert "6.00" in page.locator(".stats").text_content()  # 5 + 0.5 x 2, the unit cost

    page.get_by_role("link", name="LAMP").first.click()
    page.locator(".stats li").first.filter(has_text="2 pcs").wait_for()
