"""/metrics: requests by route and status, latency, rate-limit refusals, the queue and the
outboxes, behind a token or on a port of its own; several processes add up."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from doctypes.email.model import EmailMessage
from doctypes.webhook.model import Delivery
from doctypes.workspace.model import Workspace
from tests.support.helpers import call, key_headers, subscribe, wait_for, work_queue
from tests.support.processes import SCRIPT, command_env, stop
from tests.support.receiver import receiver
from traciqo_rpc import jobs, metrics
from traciqo_rpc.db import utcnow

TOKEN = "metrics-token-0123456789abcdef"
WHOAMI = "/api/method/traciqo_rpc.api.whoami"
PING = "/api/method/traciqo_rpc.api.ping"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def app(make_app, settings):
    return make_app(settings.with_changes(metrics_token=TOKEN, guest_rate_limit=3))


def parse(text: str) -> Samples:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def scrape(client) -> Samples:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def workspace_id(workspace: dict) -> int:
    return Workspace.get(Workspace.name == workspace["workspace"]).id


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def series(samples: Samples, name: str) -> list[dict[str, str]]:
    return [dict(labels) for sample_name, labels in samples if sample_name == name]


def test_requests_are_counted_by_method_path_and_status(client, workspace):
    headers = key_headers(workspace)
    for _ in range(3):
        assert client.get(WHOAMI, headers=headers).status_code == 200
    assert client.get(WHOAMI).status_code == 403  # no credentials
    assert client.get("/api/resource/Product/no-such-product", headers=headers).status_code == 404
    assert client.get("/healthz").status_code == 200
    page_status = client.get("/v/NO-SUCH-CODE").status_code
    samples = scrape(client)
    whoami = {"kind": "method", "route": "traciqo_rpc.api.whoami"}
    assert value(samples, "traciqo_http_requests_total", **whoami, method="GET", status="200") == 3
    assert value(samples, "traciqo_http_requests_total", **whoami, method="GET", status="403") == 1
    assert value(samples, "traciqo_http_requests_total", kind="rest", route="/api/resource/{doctype}/{name:path}",
                 method="GET", status="404") == 1
    assert value(samples, "traciqo_http_requests_total", kind="route", route="/healthz", method="GET",
                 status="200") == 1
    assert value(samples, "traciqo_http_requests_total", kind="page", route="/v/{code}", method="GET",
                 status=str(page_status)) == 1
    # The latency histogram: every call in the +Inf bucket and the count, none of it negative.
    assert value(samples, "traciqo_http_request_duration_seconds_count", **whoami) == 4
    assert value(samples, "traciqo_http_request_duration_seconds_bucket", **whoami, le="+Inf") == 4
    assert value(samples, "traciqo_http_request_duration_seconds_bucket", **whoami, le="30.0") == 4
    assert 0 < value(samples, "traciqo_http_request_duration_seconds_sum", **whoami) < 30
    # Cumulative buckets never decrease.
    buckets = [value(samples, "traciqo_http_request_duration_seconds_bucket", **whoami, le=str(le))
               for le in metrics.LATENCY_BUCKETS]
    assert buckets == sorted(buckets)


def test_a_bulk_flush_gives_what_observing_one_by_one_gives(app):
    """Requests are counted in a dict and handed over in bulk: the histogram must be the one
    prometheus_client's own observe() would have made."""
    from prometheus_client import CollectorRegistry, Histogram, generate_latest

    recorder = app.state.metrics
    durations_ms = [0.2, 0.9, 3.0, 3.0, 70.0, 1200.0, 45000.0]
    scope = {"path": WHOAMI, "method": "POST"}
    for ms in durations_ms:
        recorder.count(scope, 200, ms)
    recorder.flush()
    expected = Histogram("traciqo_http_request_duration_seconds", "x", ["kind", "route"],
                         buckets=metrics.LATENCY_BUCKETS, registry=(registry := CollectorRegistry()))
    for ms in durations_ms:
        expected.labels("method", "traciqo_rpc.api.whoami").observe(ms / 1000)
    ours = parse(recorder.exposition().decode())
    theirs = parse(generate_latest(registry).decode())
    assert {key: v for key, v in ours.items() if key in theirs and not key[0].endswith("_created")} == \
        {key: v for key, v in theirs.items() if not key[0].endswith("_created")}


def test_metrics_need_the_token(client, make_app, settings):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    from starlette.testclient import TestClient

    with TestClient(make_app(settings)) as without_token:
        assert without_token.get("/metrics").status_code == 404
        assert without_token.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404
        assert without_token.app.state.metrics is None  # and nothing is counted


def test_a_metrics_port_past_loopback_needs_the_token(monkeypatch):
    from traciqo_rpc.settings import Settings, SettingsError

    monkeypatch.setenv("TRACIQO_METRICS_PORT", "9464")
    monkeypatch.setenv("TRACIQO_METRICS_HOST", "0.0.0.0")
    with pytest.raises(SettingsError, match="TRACIQO_METRICS_HOST"):
        Settings.from_env()
    monkeypatch.setenv("TRACIQO_METRICS_TOKEN", "short")
    with pytest.raises(SettingsError, match="TRACIQO_METRICS_TOKEN"):
        Settings.from_env()
    monkeypatch.setenv("TRACIQO_METRICS_TOKEN", TOKEN)
    assert Settings.from_env().metrics_host == "0.0.0.0"
    monkeypatch.delenv("TRACIQO_METRICS_TOKEN")
    monkeypatch.setenv("TRACIQO_METRICS_HOST", "::1")
    assert Settings.from_env().metrics_port == 9464


def test_made_up_paths_add_no_label_values(client, workspace):
    headers = key_headers(workspace)
    client.get(WHOAMI, headers=headers)
    before = series(scrape(client), "traciqo_http_requests_total")
    for i in range(1000):
        match i % 5:
            case 0:
                client.get(f"/api/method/made.up.method{i}?x={i}")
            case 1:
                client.get(f"/api/resource/Product/product-{i}", headers=headers)
            case 2:
                client.post(f"/v2/made-up/{i}")
            case 3:
                client.get(f"/made/up/page/{i}")
            case 4:
                client.request(f"VERB{i}", f"/nothing/{i}")
    after = series(scrape(client), "traciqo_http_requests_total")
    added = [labels for labels in after if labels not in before]
    routes = {(labels["kind"], labels["route"]) for labels in added}
    assert routes <= {("method", "unknown"), ("rest", "/api/resource/{doctype}/{name:path}"), ("rest", "unknown"),
                      ("other", "unknown"), ("route", "/metrics")}
    assert {labels["method"] for labels in added} <= {"GET", "POST", "other"}
    assert len(added) <= 10
    # The latency histogram has the same few routes.
    latency_routes = {(labels["kind"], labels["route"])
                      for labels in series(scrape(client), "traciqo_http_request_duration_seconds_count")}
    assert len(latency_routes) <= 7


def test_rate_limit_refusals_are_counted_by_limit(client, make_workspace):
    guest = [client.get(PING).status_code for _ in range(5)]  # the guest limit is 3 a minute in this app
    assert guest.count(429) >= 2
    assert value(scrape(client), "traciqo_rate_limit_refusals_total", limit="ip") == guest.count(429)
    headers = key_headers(make_workspace(plan="starter"))  # 100 calls a minute
    keyed = [client.get(WHOAMI, headers=headers).status_code for _ in range(102)]
    assert keyed.count(429) >= 1
    samples = scrape(client)
    assert value(samples, "traciqo_rate_limit_refusals_total", limit="key") == keyed.count(429)
    assert value(samples, "traciqo_rate_limit_refusals_total", limit="user") == 0
    assert value(samples, "traciqo_http_requests_total", kind="method", route="traciqo_rpc.api.whoami",
                 method="GET", status="429") == keyed.count(429)


def _delivery(workspace_id: int, number: int, status: str, due: dt.datetime) -> None:
    # Held by nobody's lease for an hour: no worker or sweeper touches it meanwhile.
    Delivery.create(id=f"dlv_metrics_{number}", workspace_id=workspace_id, is_sandbox=False, event_id=f"evt_{number}",
                    event_name="Code Created", endpoint_id="wh_metrics", status=status, next_attempt_at=due,
                    leased_until=utcnow() + dt.timedelta(hours=1))


def test_outbox_lag_rises_while_a_delivery_waits(client, rt, workspace):
    samples = scrape(client)
    assert value(samples, "traciqo_outbox_lag_seconds", outbox="webhooks") == 0
    assert value(samples, "traciqo_outbox_due", outbox="webhooks") == 0
    assert value(samples, "traciqo_metrics_source_up", source="database") == 1
    now = utcnow()
    call(rt, lambda ctx: [_delivery(workspace_id(workspace), 1, "pending", now - dt.timedelta(seconds=300)),
                          _delivery(workspace_id(workspace), 2, "pending", now - dt.timedelta(seconds=20)),
                          _delivery(workspace_id(workspace), 3, "pending", now + dt.timedelta(hours=1)),
                          _delivery(workspace_id(workspace), 4, "succeeded", now - dt.timedelta(hours=2))])
    samples = scrape(client)
    assert 300 <= value(samples, "traciqo_outbox_lag_seconds", outbox="webhooks") < 330
    assert value(samples, "traciqo_outbox_due", outbox="webhooks") == 2
    call(rt, lambda ctx: Delivery.update(status="succeeded").where(Delivery.id == "dlv_metrics_1").execute())
    assert 20 <= value(scrape(client), "traciqo_outbox_lag_seconds", outbox="webhooks") < 50


def test_email_backlog_counts_queued_emails_that_are_due(client, rt, workspace):
    now = utcnow()

    def queue(ctx):
        for number, (status, send_after) in enumerate([("queued", now - dt.timedelta(minutes=10)),
                                                       ("queued", now - dt.timedelta(minutes=1)),
                                                       ("queued", now + dt.timedelta(days=30)),
                                                       ("sent", now - dt.timedelta(days=1)),
                                                       ("failed", now - dt.timedelta(days=2))]):
            EmailMessage.create(workspace_id=workspace_id(workspace), is_sandbox=False, to=f"a{number}@example.com",
                                subject="s", body="b", kind="test", status=status, send_after=send_after)

    call(rt, queue)
    samples = scrape(client)
    assert value(samples, "traciqo_outbox_due", outbox="emails") == 2
    assert 600 <= value(samples, "traciqo_outbox_lag_seconds", outbox="emails") < 630


def test_failed_delivery_attempts_are_counted_by_reason(client, rt, workspace):
    headers = key_headers(workspace)
    with receiver() as inbox:
        inbox.script = [(503, {})]
        created = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                              json={"url": inbox.url, "events": ["Code Created"]})
        assert created.status_code == 200, created.text
        subscribe(client, headers, "Code Created")  # and one nothing listens at: a network failure
        assert client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": "B1"},
                           headers=headers).status_code == 200

        def failed(reason: str) -> float:
            if not rt.embedded_queue:  # no worker runs inside the app in tests: work the queue here
                work_queue(rt)
            return value(scrape(client), "traciqo_webhook_delivery_failures_total", reason=reason) or 0

        wait_for(lambda: failed("http_5xx") >= 1 and failed("network") >= 1, timeout=20)
    samples = scrape(client)
    assert value(samples, "traciqo_webhook_delivery_failures_total", reason="http_4xx") == 0
    assert value(samples, "traciqo_metrics_source_up", source="redis") == 1


def test_queue_depth_counts_waiting_and_scheduled_jobs(client, rt):
    samples = scrape(client)
    assert value(samples, "traciqo_queue_jobs", queue="default", state="queued") is not None
    if rt.embedded_queue:
        pytest.skip("the embedded worker takes jobs at once: exact depths need a real Redis (TRACIQO_TEST_REDIS_URL)")
    for _ in range(3):
        jobs.push(rt.redis, "doctypes.webhook.jobs.sweep_webhooks", None, "metrics-test", [], {})
    jobs.push(rt.redis, "doctypes.webhook.jobs.sweep_webhooks", None, "metrics-test", [], {}, delay=3600)
    samples = scrape(client)
    assert value(samples, "traciqo_queue_jobs", queue="default", state="queued") == 3
    assert value(samples, "traciqo_queue_jobs", queue="default", state="scheduled") == 1


def test_a_scrape_stays_quick_with_a_backlog(client, rt, workspace):
    now = utcnow()
    rows = [(f"dlv_backlog_{i}", workspace_id(workspace), False, f"evt_{i}", "Code Created", "wh_x", "pending", 0,
             now - dt.timedelta(seconds=i), now, now + dt.timedelta(hours=1)) for i in range(5000)]
    fields = [Delivery.id, Delivery.workspace_id, Delivery.is_sandbox, Delivery.event_id, Delivery.event_name,
              Delivery.endpoint_id, Delivery.status, Delivery.attempts, Delivery.next_attempt_at, Delivery.created_at,
              Delivery.leased_until]  # held: no sweeper takes them meanwhile
    call(rt, lambda ctx: Delivery.insert_many(rows, fields=fields).execute())
    scrape(client)  # warm
    started = time.perf_counter()
    samples = scrape(client)
    took = time.perf_counter() - started
    assert value(samples, "traciqo_outbox_due", outbox="webhooks") == 5000
    assert value(samples, "traciqo_metrics_collect_seconds") < 0.25
    assert took < 1.0


# Several processes: `traciqo-rpc serve` as an operator starts it.

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(tmp_path: Path, port: int, workers: int = 1, **variables: str) -> subprocess.Popen:
    env = command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'metrics.db'}", TRACIQO_SECRET_KEY="k" * 32,
                      TRACIQO_LOG_LEVEL="WARNING", TRACIQO_REQUEST_LOG="0", **variables)
    env.pop(metrics.MULTIPROC_VARIABLE, None)
    env.update({k: v for k, v in variables.items() if k == metrics.MULTIPROC_VARIABLE})
    return subprocess.Popen([SCRIPT, "serve", "--port", str(port), "--workers", str(workers)], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _healthz_count(samples: Samples) -> float:
    return value(samples, "traciqo_http_requests_total", kind="route", route="/healthz", method="GET",
                 status="200") or 0


def _scrape_url(url: str) -> Samples:
    response = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return parse(response.text)


def test_two_serve_processes_sharing_a_directory_add_up(tmp_path):
    subprocess.run([SCRIPT, "migrate"], cwd=tmp_path, check=True, stdout=subprocess.DEVNULL,
                   env=command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'metrics.db'}"))
    directory = tmp_path / "prometheus"
    directory.mkdir()
    stale = directory / "counter_999999999.db"  # left by a process of an earlier run
    stale.write_bytes(b"\0" * 8)
    foreign = directory / "notes.txt"  # not prometheus_client's: left alone
    foreign.write_text("kept")
    ports = [free_port(), free_port()]
    servers = [_serve(tmp_path, port, TRACIQO_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(directory))
               for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_for(lambda url=url: _up(f"{url}/healthz"), timeout=60, interval=0.2)
        assert not stale.exists() and foreign.read_text() == "kept"
        for url, times in zip(urls, (5, 7), strict=True):
            for _ in range(times):
                assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        # Each process hands its counts over within a second; either one answers for both.
        expected = 12 + 2  # and the two probes that found them up
        wait_for(lambda: _healthz_count(_scrape_url(f"{urls[0]}/metrics")) == expected, timeout=10)
        assert _healthz_count(_scrape_url(f"{urls[1]}/metrics")) == expected
        assert {path.name.split("_")[0] for path in directory.glob("*.db")} == {"counter", "histogram"}
    finally:
        for server in servers:
            stop(server, group=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_metrics_port_answers_for_every_worker(tmp_path, workers):
    """With one worker the listener shares its process (prometheus_client was imported before
    `serve` made the directory); with two it reads theirs."""
    subprocess.run([SCRIPT, "migrate"], cwd=tmp_path, check=True, stdout=subprocess.DEVNULL,
                   env=command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'metrics.db'}"))
    port, metrics_port = free_port(), free_port()
    made_before = set(Path(tempfile.gettempdir()).glob("traciqo-metrics-*"))
    # No PROMETHEUS_MULTIPROC_DIR: serve makes a directory of its own for its workers.
    server = _serve(tmp_path, port, workers=workers, TRACIQO_METRICS_PORT=str(metrics_port), TRACIQO_METRICS_TOKEN=TOKEN)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _up(f"{url}/healthz"), timeout=60, interval=0.2)
        for _ in range(20):  # a connection each: the two workers share them
            assert httpx.get(f"{url}/healthz", timeout=5).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).status_code == 401
        wait_for(lambda: _healthz_count(_scrape_url(f"http://127.0.0.1:{metrics_port}/metrics")) >= 21, timeout=10)
        samples = _scrape_url(f"http://127.0.0.1:{metrics_port}/metrics")
        assert _healthz_count(samples) == 21
        assert value(samples, "traciqo_outbox_due", outbox="emails") == 0
        assert httpx.get(f"{url}/metrics", timeout=5).status_code == 401  # the token route is there too
    finally:
        stop(server, group=True)
    assert set(Path(tempfile.gettempdir()).glob("traciqo-metrics-*")) == made_before  # its directory went with it
