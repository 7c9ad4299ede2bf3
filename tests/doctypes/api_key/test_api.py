"""rotate_api_secret and get_api_usage."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.api_request_log.model import ApiRequestLog
from tests.support.helpers import call, key_headers
from traciqo_rpc.db import utcnow

ROTATE = "/api/method/doctypes.api_key.api.rotate_api_secret"
USAGE = "/api/method/doctypes.api_key.api.get_api_usage"
WHOAMI = "/api/method/traciqo_rpc.api.whoami"


def test_rotation_refuses_old_secret_at_once(client, workspace):
    old = key_headers(workspace)
    assert client.get(WHOAMI, headers=old).status_code == 200  # cached now
    response = client.post(ROTATE, headers=old)
    assert response.status_code == 200
    rotated = response.json()["message"]
    assert rotated["api_key"] == workspace["live"]["api_key"]
    assert rotated["environment"] == "live"
    assert rotated["api_secret"] != workspace["live"]["api_secret"]
    assert client.get(WHOAMI, headers=old).status_code == 401
    new = {"X-Traciqo-API-Key": rotated["api_key"], "X-Traciqo-API-Secret": rotated["api_secret"]}
    assert client.get(WHOAMI, headers=new).status_code == 200


def test_rotation_is_per_environment(client, workspace):
    response = client.post(ROTATE, headers=key_headers(workspace, "sandbox"))
    assert response.json()["message"]["environment"] == "sandbox"
    assert client.get(WHOAMI, headers=key_headers(workspace, "live")).status_code == 200
    assert client.get(WHOAMI, headers=key_headers(workspace, "sandbox")).status_code == 401


def test_rotation_with_forced_sandbox_rotates_the_sandbox_key(client, workspace):
    headers = {**key_headers(workspace, "live"), "X-Traciqo-Sandbox": "true"}
    rotated = client.post(ROTATE, headers=headers).json()["message"]
    assert rotated["api_key"] == workspace["sandbox"]["api_key"]
    assert client.get(WHOAMI, headers=key_headers(workspace, "live")).status_code == 200


def test_rotation_bad_inputs(client, workspace):
    assert client.get(ROTATE, headers=key_headers(workspace)).status_code == 405
    assert client.post(ROTATE).status_code == 403
    assert client.post(ROTATE, headers={"Authorization": "token a:b"}).status_code == 401
    assert client.post(ROTATE, headers=key_headers(workspace), json={"api_key": "x"}).status_code == 417


def test_usage_counts_calls(client, workspace):
    headers = key_headers(workspace)
    for _ in range(3):
        client.get(WHOAMI, headers=headers)
    client.get(USAGE, headers=headers, params={"days": "oops"})  # a 417 counts too
    usage = client.get(USAGE, headers=headers).json()["message"]
    assert usage["environment"] == "live"
    assert usage["today"] == usage["last_7_days"] == usage["last_30_days"] == 4
    assert usage["per_day"] == [{"date": utcnow().date().isoformat(), "count": 4}]
    assert {"method": "traciqo_rpc.api.whoami", "count": 3} in usage["per_method"]
    assert {row["status"]: row["count"] for row in usage["per_status"]} == {200: 3, 417: 1}
    assert [r["status"] for r in usage["recent"]] == [417, 200, 200, 200]
    assert all(r["request_id"] and r["duration_ms"] >= 0 for r in usage["recent"])


def test_usage_windows_and_days(client, rt, workspace):
    headers = key_headers(workspace)
    client.get(WHOAMI, headers=headers)
    usage = client.get(USAGE, headers=headers).json()["message"]
    ws_id = ApiRequestLog.select(ApiRequestLog.workspace_id).first().workspace_id
    now = utcnow()
    rows = [
        {"days_ago": 3, "status": 200}, {"days_ago": 10, "status": 404}, {"days_ago": 40, "status": 200},
    ]
    def seed(ctx):
        ApiRequestLog.insert_many([
            {"workspace_id": ws_id, "is_sandbox": False, "api_key_id": 1, "method": "m", "http_method": "GET",
             "status": r["status"], "duration_ms": 1.0, "request_id": "old", "created_at": now - dt.timedelta(days=r["days_ago"])}
            for r in rows
        ]).execute()
    call(rt, seed)
    usage = client.get(USAGE, headers=headers, params={"days": 7, "limit": 2}).json()["message"]
    assert (usage["today"], usage["last_7_days"], usage["last_30_days"]) == (2, 3, 4)
    assert sum(d["count"] for d in usage["per_day"]) == 3  # 7-day window for the breakdowns
    assert len(usage["recent"]) == 2


def test_usage_is_isolated_by_workspace_and_environment(client, make_workspace):
    first, second = make_workspace("first"), make_workspace("second")
    for _ in range(2):
        client.get(WHOAMI, headers=key_headers(first))
    client.get(WHOAMI, headers=key_headers(first, "sandbox"))
    assert client.get(USAGE, headers=key_headers(second)).json()["message"]["today"] == 0
    sandbox = client.get(USAGE, headers=key_headers(first, "sandbox")).json()["message"]
    assert (sandbox["environment"], sandbox["today"]) == ("sandbox", 1)
    forced = client.get(USAGE, headers={**key_headers(first), "X-Traciqo-Sandbox": "1"}).json()["message"]
    assert forced["environment"] == "sandbox"
    assert client.get(USAGE, headers=key_headers(first)).json()["message"]["today"] == 2


@pytest.mark.parametrize(
    "params,field",
    [({"days": 0}, "days"), ({"days": 91}, "days"), ({"days": "x"}, "days"), ({"limit": 0}, "limit"),
     ({"limit": 101}, "limit"), ({"what": 1}, "what")],
)
def test_usage_bad_inputs(client, workspace, params, field):
    response = client.get(USAGE, headers=key_headers(workspace), params=params)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_usage_needs_a_key(client):
    assert client.get(USAGE).status_code == 403
    assert client.post(USAGE).status_code == 405
