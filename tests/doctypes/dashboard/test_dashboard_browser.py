"""The dashboard in a real headless Chromium: sign in, keys (a secret shown once), the sandbox
switch, sign out, and a role that may not."""

from __future__ import annotations

import re

import pytest

from doctypes.user.cli import create_or_add
from tests.support.helpers import call

PASSWORD = "correct horse battery"


@pytest.fixture
def people(rt, workspace):
    for email, role in (("ann@example.com", "owner"), ("vic@example.com", "viewer")):
        call(rt, lambda ctx, email=email, role=role: create_or_add(ctx, email, "acme", role, PASSWORD))


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_create_a_key_see_its_secret_once_switch_and_sign_out(site, people, open_page):
    page, response = open_page(site.base + "/app/keys")
    assert page.url == site.base + "/login?next=/app/keys"
    sign_in(page, "ann@example.com", "not the password")
    page.get_by_role("alert").filter(has_text="Incorrect email or password").wait_for()
    sign_in(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/keys")
    assert page.get_by_role("heading", name="API keys").is_visible()

    page.get_by_label("Name").fill("ci deploys")
    page.get_by_label("Access").select_option(label="Read only")
    page.get_by_role("button", name="Create key").click()
    secret = page.locator("#issued-secret")
    secret.wait_for()
    shown = secret.text_content()
    assert shown and len(shown) >= 40 and page.locator("#issued-key").text_content().startswith("tq_live_")

    page.get_by_label("Name").fill("ci deploys")  # the same name again: refused beside its field or in the alert
    page.get_by_role("button", name="Create key").click()
    page.locator(".error:not(:empty), .alert:not(:empty)").first.wait_for()

    page.reload()
    assert "ci deploys" in page.content() and shown not in page.content()  # the secret was shown once

    page.get_by_role("button", name=re.compile("Switch to sandbox")).click()
    page.get_by_role("note").filter(has_text="Sandbox").wait_for()
    assert "tq_test_" in page.content() and "ci deploys" not in page.content()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto(site.base + "/app")
    assert page.url.startswith(site.base + "/login")


def test_a_viewer_cannot_open_the_keys(site, people, open_page):
    page, _ = open_page(site.base + "/login")
    sign_in(page, "vic@example.com")
    page.wait_for_url(site.base + "/app")
    assert page.get_by_role("link", name="Overview").get_attribute("aria-current") == "page"
    response = page.goto(site.base + "/app/keys")
    assert response.status == 403 and "keys permission" in page.content()


def test_keyboard_only_sign_in(site, people, open_page):
    page, _ = open_page(site.base + "/login")
    page.keyboard.press("Tab")  # the skip link first
    page.keyboard.press("Tab")
    page.keyboard.type("ann@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(site.base + "/app")
