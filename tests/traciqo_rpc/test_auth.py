"""Authentication: the three credential forms, sandbox forcing, refusals, frozen workspaces, plans."""

from __future__ import annotations

import pytest

from doctypes.workspace.service import change_plan, set_status
from tests.support.helpers import call, key_headers

WHOAMI = "/api/method/traciqo_rpc.api.whoami"


@pytest.mark.parametrize("form", ["headers", "token", "basic", "bearer", "x-api-key"])
@pytest.mark.parametrize("environment", ["live", "sandbox"])
def test_every_credential_form(client, workspace, form, environment):
    response = client.get(WHOAMI, headers=key_headers(workspace, environment, form))
    assert response.status_code == 200, response.text
    assert response.json()["message"] == {
        "workspace": "acme",
        "environment": environment,
        "api_key": workspace[environment]["api_key"],
    }


def test_keys_look_right(workspace):
    assert workspace["live"]["api_key"].startswith("tq_live_")
    assert workspace["sandbox"]["api_key"].startswith("tq_test_")
    assert len(workspace["live"]["api_secret"]) >= 43  # 32 random bytes, base64url


def test_sandbox_header_forces_sandbox(client, workspace):
    headers = {**key_headers(workspace, "live", "token"), "X-Traciqo-Sandbox": "true"}
    assert client.get(WHOAMI, headers=headers).json()["message"]["environment"] == "sandbox"


def test_sandbox_key_cannot_be_lifted_to_live(client, workspace):
    headers = {**key_headers(workspace, "sandbox"), "X-Traciqo-Sandbox": "false"}
    assert client.get(WHOAMI, headers=headers).json()["message"]["environment"] == "sandbox"


def test_bad_sandbox_header_is_400(client, workspace):
    headers = {**key_headers(workspace), "X-Traciqo-Sandbox": "maybe"}
    assert client.get(WHOAMI, headers=headers).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Traciqo-API-Key": "tq_live_nope", "X-Traciqo-API-Secret": "nope"},
        {"Authorization": "token tq_live_nope:nope"},
        {"Authorization": "token missing-colon"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Bearer abc"},
        {"X-Traciqo-API-Key": "tq_live_only_key"},
    ],
)
def test_invalid_credentials_are_401(client, headers):
    response = client.get(WHOAMI, headers=headers)
    assert response.status_code == 401
    assert response.json()["error_code"] == "invalid_token"
    assert response.json()["exc_type"] == "AuthenticationError"


def test_wrong_secret_for_real_key_is_401(client, workspace):
    headers = {"X-Traciqo-API-Key": workspace["live"]["api_key"], "X-Traciqo-API-Secret": "x" * 43}
    assert client.get(WHOAMI, headers=headers).status_code == 401


def test_secret_of_other_environment_is_401(client, workspace):
    headers = {"X-Traciqo-API-Key": workspace["live"]["api_key"], "X-Traciqo-API-Secret": workspace["sandbox"]["api_secret"]}
    assert client.get(WHOAMI, headers=headers).status_code == 401


def test_guest_on_authenticated_method_is_403(client):
    response = client.get(WHOAMI)
    assert response.status_code == 403
    assert response.json()["error_code"] == "no_permission"


def test_guest_method_with_bad_credentials_is_401(client):
    response = client.get("/api/method/traciqo_rpc.api.ping", headers={"Authorization": "token a:b"})
    assert response.status_code == 401


def test_frozen_workspace_is_403_inactive_then_unfrozen(client, rt, workspace):
    headers = key_headers(workspace)
    assert client.get(WHOAMI, headers=headers).status_code == 200  # warm the credentials cache
    call(rt, lambda ctx: set_status(ctx, "acme", frozen=True))
    response = client.get(WHOAMI, headers=headers)
    assert response.status_code == 403
    assert response.json()["error_code"] == "inactive"
    assert client.get(WHOAMI, headers=key_headers(workspace, "sandbox")).status_code == 403
    call(rt, lambda ctx: set_status(ctx, "acme", frozen=False))
    assert client.get(WHOAMI, headers=headers).status_code == 200


def test_plan_without_api_access_is_403(client, rt, make_workspace):
    keys = make_workspace("freebie", plan="free")
    response = client.get(WHOAMI, headers=key_headers(keys))
    assert response.status_code == 403
    assert response.json()["exc_type"] == "ApiAccessNotInPlan"
    call(rt, lambda ctx: change_plan(ctx, "freebie", "starter"))
    assert client.get(WHOAMI, headers=key_headers(keys)).status_code == 200


def test_workspaces_resolve_to_themselves(client, make_workspace):
    first, second = make_workspace("one"), make_workspace("two")
    assert client.get(WHOAMI, headers=key_headers(first)).json()["message"]["workspace"] == "one"
    assert client.get(WHOAMI, headers=key_headers(second)).json()["message"]["workspace"] == "two"
    mixed = {"X-Traciqo-API-Key": first["live"]["api_key"], "X-Traciqo-API-Secret": second["live"]["api_secret"]}
    assert client.get(WHOAMI, headers=mixed).status_code == 401
