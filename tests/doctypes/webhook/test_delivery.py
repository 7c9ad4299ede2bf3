"""Webhook delivery against a real local receiver: signatures, retries, 410, outbox sweeps, tenancy."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
import redis

from doctypes.webhook.jobs import sweep_webhooks
from doctypes.webhook.model import Delivery, DeliveryAttempt, WebhookEndpoint
from tests.support.helpers import call, key_headers, work_queue
from tests.support.receiver import receiver

standardwebhooks = pytest.importorskip("standardwebhooks.webhooks", reason="standardwebhooks is not installed")
API = "/api/method/doctypes.webhook.api."


def pump(rt, until, timeout: float = 15.0):
    """Run background work until `until()` holds: the embedded worker does it by itself; with a
    real Redis (no worker in tests) sweep and work the queue here, as `traciqo-rpc worker` would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not rt.embedded_queue:
            call(rt, sweep_webhooks)
            work_queue(rt)
        if until():
            return
        time.sleep(0.1)
    state = [(d.id, d.status, d.attempts, d.next_attempt_at, d.leased_until) for d in Delivery.select()]
    raise AssertionError(f"background work did not finish in time; deliveries: {state}")


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def hook(client, headers):
    with receiver() as inbox:
        created = client.post(API + "create_webhook", headers=headers,
                              json={"url": inbox.url, "events": ["Code Created", "Scan Captured"]})
        assert created.status_code == 200, created.text
        yield inbox, created.json()["message"]


def create_codes(client, headers, batch="B1"):
    return client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": batch}, headers=headers)


def test_created_endpoint_shows_its_secret_once(client, headers, hook):
    _, endpoint = hook
    assert endpoint["secret"].startswith("whsec_") and endpoint["environment"] == "live"
    listed = client.get(API + "list_webhooks", headers=headers).json()["message"]
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]


def test_delivery_is_signed_both_ways(client, rt, headers, hook):
    inbox, endpoint = hook
    create_codes(client, headers)
    pump(rt, lambda: inbox.requests)
    request = inbox.requests[0]
    assert request.headers["x-traciqo-event"] == "Code Created"
    assert request.headers["content-type"] == "application/json"
    expected = hmac.new(endpoint["secret"].encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["x-traciqo-signature"], expected)
    payload = standardwebhooks.Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert payload["event"] == "Code Created" and payload["id"] == request.headers["webhook-id"]
    assert set(payload) == {"id", "event", "created_at", "environment", "data"}


def test_tampered_stale_or_wrongly_keyed_deliveries_fail_verification(client, rt, headers, hook):
    inbox, endpoint = hook
    create_codes(client, headers)
    pump(rt, lambda: inbox.requests)
    request = inbox.requests[0]
    webhook = standardwebhooks.Webhook(endpoint["secret"])
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        webhook.verify(request.body + b" ", request.headers)
    stale = {**request.headers, "webhook-timestamp": str(int(time.time()) - 3600)}
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        webhook.verify(request.body, stale)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)
    wrong = hmac.new(b"whsec_wrong", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-traciqo-signature"] != wrong


def test_500_500_200_is_three_attempts_and_one_success(client, rt, headers, hook):
    inbox, _ = hook
    inbox.script = [(500, {}), (500, {}), (200, {})]
    create_codes(client, headers)
    pump(rt, lambda: Delivery.select().where(Delivery.status == "succeeded").exists())
    delivery = Delivery.get()
    assert delivery.attempts == 3
    codes = [a.status_code for a in DeliveryAttempt.select().order_by(DeliveryAttempt.number)]
    assert codes == [500, 500, 200]
    assert len({r.headers["webhook-id"] for r in inbox.requests}) == 1  # the same id on every attempt
    detail = client.get(API + "get_delivery", params={"delivery_id": delivery.id}, headers=headers).json()["message"]
    assert [a["status_code"] for a in detail["attempts"]] == [500, 500, 200]
    assert detail["attempts"][0]["response_excerpt"] == "ok" and detail["attempts"][0]["duration_ms"] >= 0


def test_redirects_fail_and_the_ladder_ends(client, rt, headers, hook):
    inbox, _ = hook
    inbox.script = [(302, {"Location": "http://169.254.169.254/"})]
    create_codes(client, headers)
    pump(rt, lambda: Delivery.select().where(Delivery.status == "failed").exists())
    assert Delivery.get().attempts == 3  # the test schedule has three rungs
    assert all(r.path == "/hook" for r in inbox.requests)  # never followed


def test_410_disables_the_endpoint(client, rt, headers, hook):
    inbox, endpoint = hook
    inbox.script = [(410, {})]
    create_codes(client, headers)
    pump(rt, lambda: Delivery.select().where(Delivery.status == "failed").exists())
    refreshed = WebhookEndpoint.get_by_id(endpoint["id"])
    assert not refreshed.enabled and "410" in refreshed.disabled_reason
    create_codes(client, headers, "B2")
    assert Delivery.select().count() == 1  # a disabled endpoint gets nothing new


def test_endpoint_changes_reach_the_very_next_event(client, headers, hook):
    """Subscriptions are cached per workspace; every change to an endpoint invalidates them."""
    _, endpoint = hook

    def deliveries_after_new_codes(batch):
        assert create_codes(client, headers, batch).status_code == 200
        return Delivery.select().where(Delivery.endpoint_id == endpoint["id"]).count()

    assert deliveries_after_new_codes("B1") == 1
    update = {"webhook_id": endpoint["id"], "events": ["Scan Captured"]}
    assert client.post(API + "update_webhook", headers=headers, json=update).status_code == 200
    assert deliveries_after_new_codes("B2") == 1  # no longer subscribed to Code Created
    update = {"webhook_id": endpoint["id"], "events": ["Code Created"], "enabled": False}
    assert client.post(API + "update_webhook", headers=headers, json=update).status_code == 200
    assert deliveries_after_new_codes("B3") == 1  # disabled
    update = {"webhook_id": endpoint["id"], "enabled": True}
    assert client.post(API + "update_webhook", headers=headers, json=update).status_code == 200
    assert deliveries_after_new_codes("B4") == 2
    second = client.post(API + "create_webhook", headers=headers, json={"url": endpoint["url"], "events": ["*"]})
    assert create_codes(client, headers, "B5").status_code == 200
    assert Delivery.select().where(Delivery.endpoint_id == second.json()["message"]["id"]).count() == 1
    assert deliveries_after_new_codes("B6") == 4
    assert client.post(API + "delete_webhook", headers=headers, json={"webhook_id": endpoint["id"]}).status_code == 200
    assert deliveries_after_new_codes("B7") == 4  # deleted: nothing new (its earlier deliveries are kept)


def test_retry_after_is_honoured(client, rt, headers, hook):
    inbox, _ = hook
    inbox.script = [(503, {"Retry-After": "120"}), (200, {})]
    create_codes(client, headers)
    pump(rt, lambda: Delivery.get_or_none(Delivery.attempts == 1))
    delivery = Delivery.get()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at - DeliveryAttempt.get().started_at >= dt.timedelta(seconds=119)


def test_a_lost_queue_or_a_killed_worker_loses_nothing(client, rt, headers, hook):
    inbox, _ = hook
    alive = rt.redis
    if not rt.embedded_queue:
        rt.redis = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)  # Redis is down
    try:
        assert create_codes(client, headers).status_code == 200
        rt.enqueuer.submit(lambda: None).result(timeout=10)  # the after-commit push has met the outage
    finally:
        rt.redis = alive
    # A worker that took the delivery and died leaves a lease that expires.
    Delivery.update(leased_until=dt.datetime(2000, 1, 1)).execute()
    pump(rt, lambda: Delivery.select().where(Delivery.status == "succeeded").exists())
    assert len(inbox.requests) == 1


def test_ping_and_redeliver_keep_the_event_id(client, rt, headers, hook):
    inbox, endpoint = hook
    ping = client.post(API + "ping_webhook", json={"webhook_id": endpoint["id"]}, headers=headers).json()["message"]
    pump(rt, lambda: inbox.requests)
    assert inbox.requests[0].headers["x-traciqo-event"] == "Ping Test"
    again = client.post(API + "redeliver", json={"delivery_id": ping["delivery_id"]}, headers=headers)
    assert again.json()["message"]["redelivering"] == [ping["delivery_id"]]
    pump(rt, lambda: len(inbox.requests) == 2)
    assert inbox.requests[0].headers["webhook-id"] == inbox.requests[1].headers["webhook-id"] == ping["event_id"]


def test_rotation_signs_with_both_secrets(client, rt, headers, hook):
    inbox, endpoint = hook
    rotated = client.post(API + "rotate_webhook_secret", json={"webhook_id": endpoint["id"]}, headers=headers)
    new_secret = rotated.json()["message"]["secret"]
    assert new_secret != endpoint["secret"]
    create_codes(client, headers)
    pump(rt, lambda: inbox.requests)
    request = inbox.requests[0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], new_secret):
        standardwebhooks.Webhook(secret).verify(request.body, request.headers)


def test_sandbox_events_go_to_sandbox_endpoints_only(client, rt, workspace, make_workspace):
    with receiver() as live_inbox, receiver() as sandbox_inbox, receiver() as other_inbox:
        other = key_headers(make_workspace("other"))
        for keys, inbox in ((key_headers(workspace), live_inbox), (key_headers(workspace, "sandbox"), sandbox_inbox),
                            (other, other_inbox)):
            client.post(API + "create_webhook", json={"url": inbox.url, "events": ["*"]}, headers=keys)
        create_codes(client, key_headers(workspace, "sandbox"))
        pump(rt, lambda: sandbox_inbox.requests)
        time.sleep(0.3)
        assert live_inbox.requests == [] and other_inbox.requests == []
        assert json.loads(sandbox_inbox.requests[0].body)["environment"] == "sandbox"


def test_a_worker_killed_mid_delivery_is_redelivered_with_the_same_id(make_app, settings, make_workspace, tmp_path):
    """A real `traciqo-rpc worker` takes the delivery and is SIGKILLed while the receiver waits."""
    import contextlib
    import os
    import signal
    import subprocess
    from pathlib import Path

    from starlette.testclient import TestClient

    from tests.support.processes import SCRIPT, command_env

    if settings.redis_url is None:
        pytest.skip("needs a real Redis (TRACIQO_TEST_REDIS_URL)")
    app = make_app(settings.with_changes(webhook_lease_seconds=2))
    rt = app.state.runtime
    headers = key_headers(make_workspace("killed"))
    env = command_env(TRACIQO_DATABASE_URL=settings.database_url, TRACIQO_REDIS_URL=settings.redis_url,
                      TRACIQO_DATA_DIR=str(tmp_path / "data"), TRACIQO_WEBHOOK_ALLOW_CIDRS="127.0.0.0/8",
                      TRACIQO_WEBHOOK_LEASE_SECONDS="2", TRACIQO_LOG_LEVEL="WARNING",
                      TRACIQO_SECRET_KEY="test-secret-key")
    with receiver() as inbox, TestClient(app) as client:
        inbox.delays = [30.0]  # the first send hangs until the worker is gone
        client.post(API + "create_webhook", json={"url": inbox.url, "events": ["Code Created"]}, headers=headers)
        worker = subprocess.Popen([SCRIPT, "worker"], cwd=tmp_path, env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            create_codes(client, headers)
            deadline = time.monotonic() + 30
            while not inbox.requests and time.monotonic() < deadline:
                time.sleep(0.1)
            assert inbox.requests, "the worker never sent"
        finally:
            # The worker and its work horse, which RQ puts in a process group of its own: left
            # alive, it finished its send after this test and wrote into the next tests' tables.
            horses = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
            os.killpg(worker.pid, signal.SIGKILL)
            for horse in horses:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(horse), signal.SIGKILL)
            worker.wait(timeout=10)
        pump(rt, lambda: Delivery.select().where(Delivery.status == "succeeded").exists(), timeout=30)
    assert len(inbox.requests) == 2
    assert inbox.requests[0].headers["webhook-id"] == inbox.requests[1].headers["webhook-id"]


def test_a_batch_of_scans_reaches_each_workspaces_own_subscribers(client, rt, workspace, make_workspace):
    """Scans of several workspaces' codes recorded together: every event goes to its own
    workspace's endpoints that subscribe to it, and to no other."""
    from doctypes.scan import service
    from traciqo_rpc import RequestContext

    mine, theirs = key_headers(workspace), key_headers(make_workspace("other"))
    with receiver() as my_inbox, receiver() as their_inbox:
        client.post(API + "create_webhook", json={"url": my_inbox.url, "events": ["Scan Captured"]}, headers=mine)
        client.post(API + "create_webhook", json={"url": their_inbox.url, "events": ["Code Created"]}, headers=theirs)
        my_code = create_codes(client, mine).json()["message"]["codes"][0]
        their_code = create_codes(client, theirs, batch="T1").json()["message"]["codes"][0]
        guest = RequestContext(ip="203.0.113.9", services=rt.services)
        rt.run_in_transaction(guest, lambda: service.verify_many(
            [service.ScanRequest(guest, code) for code in (my_code, their_code, my_code)]))
        pump(rt, lambda: len(my_inbox.requests) == 2 and len(their_inbox.requests) == 1)
        time.sleep(0.3)
        scans = sorted((json.loads(r.body)["data"]["code"], json.loads(r.body)["data"]["scan_count"])
                       for r in my_inbox.requests)
        assert scans == [(my_code, 1), (my_code, 2)]
        assert [r.headers["x-traciqo-event"] for r in their_inbox.requests] == ["Code Created"]


def test_a_name_that_rebinds_to_loopback_never_gets_a_delivery(make_app, settings, make_workspace, monkeypatch):
    """The endpoint's name answers 127.0.0.2 (allowed here, standing in for a public address) and
    then 127.0.0.1, in turn. A send is refused when its check sees 127.0.0.1, and otherwise goes
    to 127.0.0.2 itself: the name is never resolved a second time by the HTTP client."""
    import itertools
    import socket

    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(webhook_allow_cidrs=("127.0.0.2/32",)))
    rt = app.state.runtime
    headers = key_headers(make_workspace("rebind"))
    with receiver("127.0.0.2") as public:
        port = int(public.url.rsplit(":", 1)[1].split("/")[0])
        with receiver("127.0.0.1", port) as private, TestClient(app) as client:
            answers = itertools.cycle(["127.0.0.2", "127.0.0.1"])
            real_getaddrinfo = socket.getaddrinfo

            def flipping(host, *args, **kwargs):
                if host == "rebind.example":
                    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
                return real_getaddrinfo(host, *args, **kwargs)

            monkeypatch.setattr(socket, "getaddrinfo", flipping)
            created = client.post(API + "create_webhook", headers=headers,
                                  json={"url": f"http://rebind.example:{port}/hook", "events": ["Ping Test"]})
            assert created.status_code == 200, created.text
            for _ in range(6):
                ping = client.post(API + "ping_webhook", json={"webhook_id": created.json()["message"]["id"]},
                                   headers=headers)
                assert ping.status_code == 200
                pump(rt, lambda: not Delivery.select().where(Delivery.status == "pending").exists())
            assert private.requests == []
            assert len(public.requests) == Delivery.select().where(Delivery.status == "succeeded").count() > 0
