"""The registration form builder in a real headless Chromium: create a form, add two fields
(one refused first), move one, and see a registration made with the form listed."""

from __future__ import annotations

import re

import pytest

from tests.support.dashboard import add_person, sign_in_page


@pytest.fixture
def owner(rt, workspace):
    add_person(rt, "ann@example.com", "owner")


def test_build_a_form_with_two_fields_and_see_its_registrations(site, owner, open_page):
    from tests.support.browser import post

    page, _ = open_page(site.base + "/app/registration-forms")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/registration-forms")

    page.get_by_label("Slug").fill("bike")
    page.get_by_label("Title").fill("Bike")
    page.get_by_role("button", name="Create form").click()
    page.get_by_role("heading", name="Bike bike").wait_for()

    page.get_by_label("Field name").fill("frame_size")
    page.get_by_label("Type").select_option(label="Choice from a list")
    page.get_by_role("button", name="Add field to Bike").click()
    page.locator("[data-error-for=options]:not(:empty)").wait_for()  # a list needs its choices
    page.get_by_label("Choices").fill("S\nM\nL")
    page.get_by_label("Required").check()
    page.get_by_role("button", name="Add field to Bike").click()
    page.get_by_role("cell", name="frame_size", exact=True).wait_for()

    page.get_by_label("Field name").fill("colour")
    page.get_by_role("button", name="Add field to Bike").click()
    page.get_by_role("cell", name="colour", exact=True).wait_for()
    page.get_by_role("button", name="Move colour up").click()
    page.get_by_role("button", name="Move frame_size up").wait_for()
    assert page.locator("tbody tr td:first-child").all_text_contents() == ["colour", "frame_size"]
    assert "S, M, L" in page.get_by_role("row", name=re.compile("frame_size")).text_content()

    post(site.api, "doctypes.registration.api.add_registrations", registrations=[
        {"email": "jane@example.com", "name": "Jane Buyer", "type": "bike", "frame_size": "M", "colour": "red"}])
    page.get_by_role("link", name="Registrations", exact=True).click()
    page.get_by_label("Form").select_option(label="Bike")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name=re.compile("Jane Buyer"))
    row.wait_for()
    assert "frame_size" in row.text_content() and "red" in row.text_content()
