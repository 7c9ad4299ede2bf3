"""Tracker templates in a real headless Chromium: create one with three steps, move a step, and
create a tracker from it on the trackers page."""

from __future__ import annotations

import re

import pytest

from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def ann(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def test_create_a_template_move_a_step_and_track_with_it(site, ann, open_page):
    page, _ = open_page(site.base + "/app/tracker-templates")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/tracker-templates")

    page.get_by_label("Name", exact=True).fill("Kiln firing")
    page.get_by_label(re.compile("^Slug")).fill("kiln")
    page.get_by_label(re.compile("^Steps, one a line")).fill("Glaze\nFire\nCool")
    page.get_by_role("button", name="Create template").click()
    page.get_by_role("link", name="Kiln firing").click()
    page.wait_for_url(re.compile(r"\?template=kiln$"))
    steps = page.get_by_role("list", name="Steps").locator("strong")
    assert steps.all_text_contents() == ["1. Glaze", "2. Fire", "3. Cool"]

    page.get_by_role("button", name="Move Cool up").click()
    page.get_by_role("button", name="Move Cool down").wait_for()  # reloaded: Cool is second now
    assert steps.all_text_contents() == ["1. Glaze", "2. Cool", "3. Fire"]

    page.goto(site.base + "/app/trackers")
    page.get_by_label("Name").fill("Order 7")
    page.get_by_label("Template").select_option(label="Kiln firing")
    page.get_by_role("button", name="Create tracker").click()
    page.get_by_role("link", name="Order 7").click()
    page.wait_for_url(re.compile(r"/app/trackers/\d+$"))
    assert page.locator(".steps strong").all_text_contents() == ["1. Glaze", "2. Cool", "3. Fire"]
