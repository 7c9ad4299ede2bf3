"""Workspace branding of the public pages: partial updates, nulls, bad input, tenancy, sandbox."""

from __future__ import annotations

import pytest

from doctypes.branding import colour
from tests.support.helpers import key_headers

API = "/api/method/doctypes.branding.api."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def get(client, headers) -> dict:
    response = client.get(API + "get_branding", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["message"]


def update(client, headers, expect=200, **body) -> dict:
    response = client.post(API + "update_branding", json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json().get("message", response.json())


def upload(client, headers, name="logo.png", file_type="image/png", content=PNG) -> str:
    """Upload a file as get_upload_url's callers do; returns its URL."""
    grant = client.get("/api/method/doctypes.upload.api.get_upload_url", headers=headers, params={
        "file_name": name, "file_type": file_type, "file_size": len(content)}).json()["message"]
    put = client.put(grant["signedRequest"].removeprefix("http://testserver"), content=content,
                     headers={"Content-Type": file_type})
    assert put.status_code == 200, put.text
    return grant["url"]


def test_nothing_set_is_all_nulls(client, headers):
    assert get(client, headers) == {"display_name": None, "logo_url": None, "accent_color": None,
                                    "support_url": None, "environment": "live", "updated_at": None}


def test_set_change_one_and_clear_one(client, headers):
    logo = upload(client, headers)
    first = update(client, headers, display_name="  Acme Prints ", logo_url=logo, accent_color="#AA3300",
                   support_url="https://acme.example/help")
    assert (first["display_name"], first["logo_url"], first["accent_color"], first["support_url"]) == (
        "Acme Prints", logo, "#aa3300", "https://acme.example/help")
    assert first["updated_at"]
    second = update(client, headers, accent_color="#112233")  # the others stay
    assert (second["display_name"], second["logo_url"], second["accent_color"]) == ("Acme Prints", logo, "#112233")
    cleared = update(client, headers, logo_url=None, support_url=None)
    assert (cleared["logo_url"], cleared["support_url"], cleared["display_name"]) == (None, None, "Acme Prints")
    assert get(client, headers) == cleared


@pytest.mark.parametrize(("body", "field"), [
    ({"accent_color": "red"}, "accent_color"),
    ({"accent_color": "#12345"}, "accent_color"),
    ({"accent_color": "#12345g"}, "accent_color"),
    ({"accent_color": "#1234567"}, "accent_color"),
    ({"logo_url": "https://cdn.elsewhere.example/logo.png"}, "logo_url"),
    ({"logo_url": "http://testserver.evil.example/files/0123abcd/logo.png"}, "logo_url"),
    ({"logo_url": "http://testserver/track/abc"}, "logo_url"),
    ({"logo_url": "http://testserver/files/0123abcd/logo.png?x=1"}, "logo_url"),
    ({"logo_url": "http://testserver/files/0123abcd/logo.png"}, "logo_url"),  # no such upload
    ({"logo_url": "javascript:alert(1)"}, "logo_url"),
    ({"support_url": "javascript:alert(1)"}, "support_url"),
    ({"support_url": "ftp://acme.example/help"}, "support_url"),
    ({"support_url": "not a link"}, "support_url"),
    ({"support_url": "https://acme.example/" + "x" * 2000}, "support_url"),
    ({"display_name": "x" * 81}, "display_name"),
    ({"display_name": "   "}, "display_name"),
    ({}, "display_name"),
    ({"theme": "dark"}, "theme"),
], ids=lambda value: str(value)[:40])
def test_bad_input_is_417_naming_the_field(client, headers, body, field):
    refused = update(client, headers, expect=417, **body)
    assert field in refused["field_errors"], refused
    assert get(client, headers)["updated_at"] is None  # nothing was stored


def test_a_logo_must_be_an_image_of_this_workspace_and_environment(client, headers, make_workspace):
    pdf = upload(client, headers, name="logo.pdf", file_type="application/pdf", content=b"%PDF-1.4")
    assert "logo_url" in update(client, headers, expect=417, logo_url=pdf)["field_errors"]
    other = key_headers(make_workspace("other"))
    theirs = upload(client, other)
    assert update(client, headers, expect=417, logo_url=theirs)["exc_type"] == "LogoNotUploaded"
    sandbox_logo = upload(client, key_headers(make_workspace("third"), "sandbox"))
    assert update(client, headers, expect=417, logo_url=sandbox_logo)["exc_type"] == "LogoNotUploaded"
    renamed = upload(client, headers).rsplit("/", 1)[0] + "/other-name.png"
    assert update(client, headers, expect=417, logo_url=renamed)["exc_type"] == "LogoNotUploaded"


def test_another_workspace_never_sees_it(client, headers, make_workspace):
    update(client, headers, display_name="Acme Prints", accent_color="#aa3300")
    other = key_headers(make_workspace("other"))
    assert get(client, other)["display_name"] is None
    update(client, other, display_name="Other Co")
    assert get(client, headers)["display_name"] == "Acme Prints"


def test_a_sandbox_key_never_changes_live_branding(client, workspace, headers):
    sandbox = key_headers(workspace, "sandbox")
    update(client, headers, display_name="Acme Prints")
    changed = update(client, sandbox, display_name="Acme TEST", accent_color="#00ff00")
    assert (changed["environment"], changed["display_name"]) == ("sandbox", "Acme TEST")
    live = get(client, headers)
    assert (live["environment"], live["display_name"], live["accent_color"]) == ("live", "Acme Prints", None)


def test_a_read_only_key_cannot_change_it(client, headers):
    reader = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=headers,
                         json={"name": "reader", "scopes": ["read"]}).json()["message"]
    read_only = {"X-Traciqo-API-Key": reader["api_key"], "X-Traciqo-API-Secret": reader["api_secret"]}
    assert get(client, read_only)["display_name"] is None
    update(client, read_only, expect=403, display_name="Nope")


@pytest.mark.parametrize("accent", ["#000000", "#ffffff", "#777777", "#1d4ed8", "#ffcc00", "#00ff00", "#ff0000",
                                    "#808080", "#7f7f7f", "#0000ff", "#aa3300"])
def test_text_on_any_accent_stays_legible(accent):
    """The pages write on the accent in black or white: AA contrast (4.5:1) whatever the colour."""
    assert colour.contrast(accent, colour.text_on(accent)) >= 4.5
