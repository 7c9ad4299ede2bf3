"""rotate_api_secret and get_api_usage."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from doctypes.api_request_log.model import ApiRequestLog, ApiUsage
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
    today = utcnow().replace(second=0, microsecond=0)
    older = [(3, 200, 1), (10, 404, 2), (40, 200, 5)]  # days ago, status, calls that minute

    def seed(ctx):
        ApiUsage.insert_many([
            {"workspace_id": ws_id, "is_sandbox": False, "minute": today - dt.timedelta(days=days_ago),
             "api_key_id": 1, "method": "m", "http_method": "GET", "status": status, "calls": calls, "total_ms": 1.0}
            for days_ago, status, calls in older
        ]).execute()

    call(rt, seed)
    usage = client.get(USAGE, headers=headers, params={"days": 7, "limit": 2}).json()["message"]
    assert (usage["today"], usage["last_7_days"], usage["last_30_days"]) == (2, 3, 5)
    assert sum(d["count"] for d in usage["per_day"]) == 3  # 7-day window for the breakdowns
    assert len(usage["recent"]) == 2


def test_usage_counts_add_up_across_flushes_and_processes(client, rt, workspace):
    """Counts of the same minute from two flushes (or two processes) are added, not replaced."""
    headers = key_headers(workspace)
    for _ in range(3):
        client.get(WHOAMI, headers=headers)
    rt.request_log.flush()
    for _ in range(2):
        client.get(WHOAMI, headers=headers)
    rt.request_log.flush()
    whoami = ApiUsage.select().where(ApiUsage.method == "traciqo_rpc.api.whoami")
    assert sum(row.calls for row in whoami) == 5
    assert whoami.count() <= 2  # one row per minute, however many calls
    assert ApiRequestLog.select().where(ApiRequestLog.method == "traciqo_rpc.api.whoami").count() == 5


def test_only_the_latest_calls_are_kept_one_by_one(rt, monkeypatch):
    """Under load each flush keeps the newest RECENT_KEPT calls per workspace; the counts keep them all."""
    from traciqo_rpc import usage

    monkeypatch.setattr(usage, "RECENT_KEPT", 3)
    buffer = usage.RequestLogBuffer(rt.wiring.request_log_writer)
    now = time.time()
    for i in range(10):
        buffer.record(usage.UsageCall(7, False, 1, "m", "GET", 200, 1.0, f"r{i}", now))
    assert buffer.flush() == 10
    assert [r.request_id for r in ApiRequestLog.select().where(ApiRequestLog.workspace_id == 7)
            .order_by(ApiRequestLog.id)] == ["r7", "r8", "r9"]
    assert ApiUsage.get(ApiUsage.workspace_id == 7).calls == 10


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
