"""Racko's credentials: RACKO-API-KEY with RACKO-SECRET, together, the secret as issued; the
dashboard shows a new secret base64-encoded too, as Racko's does, for its clients to decode."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.support.dashboard import add_person, sign_in_headers, sign_in_page
from tests.support.helpers import key_headers

WHOAMI = "/api/method/traciqo_rpc.api.whoami"


def racko(keys: dict, environment: str = "live") -> dict[str, str]:
    return {"RACKO-API-KEY": keys[environment]["api_key"], "RACKO-SECRET": keys[environment]["api_secret"]}


def test_the_pair_works_on_every_door(client, workspace):
    headers = racko(workspace)
    me = client.get(WHOAMI, headers=headers)
    assert me.status_code == 200 and me.json()["message"]["workspace"] == "acme"
    assert client.get("/v2/items", headers=headers).status_code == 200
    assert client.get("/api/resource/Item", headers=headers).status_code == 200


@pytest.mark.parametrize("environment", ["live", "sandbox"])
def test_the_key_decides_the_environment_and_the_sandbox_header_holds(client, workspace, environment):
    assert client.get(WHOAMI, headers=racko(workspace, environment)).json()["message"]["environment"] == environment
    forced = client.get(WHOAMI, headers={**racko(workspace), "X-Traciqo-Sandbox": "true"})
    assert forced.json()["message"]["environment"] == "sandbox"


def test_half_a_pair_is_401_in_the_dialect_of_the_route(client, workspace):
    key_only = {"RACKO-API-KEY": workspace["live"]["api_key"]}
    secret_only = {"RACKO-SECRET": workspace["live"]["api_secret"]}
    for headers in (key_only, secret_only, {**key_only, "RACKO-SECRET": ""}):
        on_method = client.get(WHOAMI, headers=headers)
        assert on_method.status_code == 401 and "RACKO-API-KEY and RACKO-SECRET" in on_method.json()["exception"]
        on_route = client.get("/v2/items", headers=headers)
        assert on_route.status_code == 401
        assert on_route.json() == {"code": "invalid_token",
                                   "description": "Send both RACKO-API-KEY and RACKO-SECRET"}


def test_a_wrong_secret_or_the_base64_form_is_401(client, workspace):
    wrong = {**racko(workspace), "RACKO-SECRET": "nope"}
    assert client.get("/v2/items", headers=wrong).json()["code"] == "invalid_token"
    encoded = base64.b64encode(workspace["live"]["api_secret"].encode()).decode()
    assert client.get("/v2/items", headers={**racko(workspace), "RACKO-SECRET": encoded}).status_code == 401
    other_environment = {**racko(workspace), "RACKO-SECRET": workspace["sandbox"]["api_secret"]}
    assert client.get("/v2/items", headers=other_environment).status_code == 401


def test_one_form_once(client, workspace):
    two_forms = {**racko(workspace), **key_headers(workspace)}
    refused = client.get("/v2/items", headers=two_forms)
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_request"
    assert "one form" in refused.json()["description"]
    repeated = [("RACKO-API-KEY", workspace["live"]["api_key"]), ("RACKO-SECRET", workspace["live"]["api_secret"]),
                ("RACKO-SECRET", "garbage")]
    assert client.get(WHOAMI, headers=repeated).status_code == 400


def test_a_new_key_answers_its_secret_base64_encoded_too(client, workspace):
    issued = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=key_headers(workspace),
                         json={"name": "racko erp"}).json()["message"]
    assert base64.b64decode(issued["racko_secret"]).decode() == issued["api_secret"]
    decoded = base64.b64decode(issued["racko_secret"]).decode()  # what a Racko client does
    headers = {"RACKO-API-KEY": issued["api_key"], "RACKO-SECRET": decoded}
    assert client.get("/v2/items", headers=headers).status_code == 200
    rotated = client.post("/api/method/doctypes.api_key.api.rotate_api_key", headers=key_headers(workspace),
                          json={"api_key": issued["api_key"]}).json()["message"]
    assert base64.b64decode(rotated["racko_secret"]).decode() == rotated["api_secret"] != issued["api_secret"]


def test_the_keys_page_has_a_place_for_the_base64_secret(client, rt, workspace):
    add_person(rt, "ann@example.com", "owner")
    sign_in_headers(client, "ann@example.com")
    page = client.get("/app/keys")
    assert page.status_code == 200
    assert "Racko clients: RACKO-SECRET is this, base64-decoded" in page.text
    assert "data-value=racko_secret" in page.text


def test_the_dashboard_shows_a_new_secret_base64_encoded_for_racko(site, rt, workspace, open_page):
    add_person(rt, "ann@example.com", "owner")
    page, _ = open_page(site.base + "/login?next=/app/keys")
    sign_in_page(page, "ann@example.com")
    page.wait_for_url(site.base + "/app/keys")
    page.get_by_label("Name").fill("racko erp")
    page.get_by_role("button", name="Create key").click()
    page.locator("#issued-racko").wait_for()
    key, secret = page.locator("#issued-key").text_content(), page.locator("#issued-secret").text_content()
    shown = page.locator("#issued-racko").text_content()
    assert key and secret and shown and base64.b64decode(shown).decode() == secret
    assert page.get_by_role("button", name="Copy for Racko").is_visible()
    with httpx.Client(base_url=site.base, timeout=5) as racko_client:
        answer = racko_client.get("/v2/items", headers={"RACKO-API-KEY": key,
                                                       "RACKO-SECRET": base64.b64decode(shown).decode()})
        assert answer.status_code == 200 and answer.json()["total"] == 0


@pytest.mark.parametrize("key, secret", [
    ("k" * 8000, "s" * 8000), ("\xff\xfe\xe9", "\xe9\x80"), (" ", " "), ("tq_live_" + "0" * 24, "\t"),
])
def test_strange_racko_headers_are_4xx(client, workspace, key, secret):
    headers = {"RACKO-API-KEY": key.encode("latin-1"), "RACKO-SECRET": secret.encode("latin-1")}
    for path in (WHOAMI, "/v2/items"):
        response = client.get(path, headers=headers)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
