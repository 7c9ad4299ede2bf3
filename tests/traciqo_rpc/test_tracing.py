"""W3C trace context: a request's traceparent is kept, logged and sent on with its webhooks."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time

import httpx
import pytest

from doctypes.event.model import Event
from doctypes.event.service import store_event
from tests.support.helpers import call, context, key_headers, wait_for, work_queue
from tests.support.processes import SCRIPT, command_env, stop
from tests.support.receiver import receiver
from traciqo_rpc import tracing

standardwebhooks = pytest.importorskip("standardwebhooks.webhooks", reason="standardwebhooks is not installed")

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"
API = "/api/method/doctypes.webhook.api."
CREATE_CODE = "/api/method/doctypes.auth_code.api.create_code"
VERIFY = "/api/method/doctypes.auth_code.api.verify_code"


@pytest.mark.parametrize("header, trace_id", [
    (TRACEPARENT, TRACE),
    (TRACEPARENT.encode(), TRACE),
    (f"00-{TRACE}-00f067aa0ba902b7-00", TRACE),  # not sampled upstream: still the same trace
    (f"cc-{TRACE}-00f067aa0ba902b7-01-what-comes-later", TRACE),  # a later version may add fields
    (None, None),
    ("", None),
    ("garbage", None),
    (TRACEPARENT.upper(), None),  # lower-case hex only
    (f"00-{'0' * 32}-00f067aa0ba902b7-01", None),  # all-zero trace id
    (f"00-{TRACE}-{'0' * 16}-01", None),  # all-zero parent id
    (f"ff-{TRACE}-00f067aa0ba902b7-01", None),  # version ff is forbidden
    (f"00-{TRACE}-00f067aa0ba902b7-01-extra", None),  # version 00 has exactly four fields
    (f"00-{TRACE[:-1]}-00f067aa0ba902b7-01", None),
    (f"00-{TRACE}-00f067aa0ba902b-01", None),
    (f"00-{TRACE}-00f067aa0ba902b7-1", None),
    (f"00_{TRACE}_00f067aa0ba902b7_01", None),
    (f"00-{TRACE}-00f067aa0ba902b7-01\n", None),
])
def test_a_traceparent_is_read_or_ignored(header, trace_id):
    assert tracing.trace_id_of(header) == trace_id


def test_an_outgoing_traceparent_keeps_the_trace_with_a_new_span():
    first, second = tracing.traceparent(TRACE), tracing.traceparent(TRACE)
    assert tracing.trace_id_of(first) == TRACE and tracing.trace_id_of(second) == TRACE
    assert first.startswith(f"00-{TRACE}-") and first.endswith("-01") and first != second


def test_every_request_has_a_trace_its_own_unless_the_caller_sends_one():
    given = tracing.request_fields("r1", TRACEPARENT.encode())
    assert given == {"request_id": "r1", "trace_id": TRACE}
    started = [tracing.request_fields("r2", header)["trace_id"] for header in (None, b"00-nonsense", None)]
    assert len(set(started)) == 3 and all(tracing.trace_id_of(tracing.traceparent(t)) == t for t in started)


def test_a_job_continues_the_trace_it_carries():
    with tracing.handling(tracing.request_fields("r1", TRACEPARENT.encode())):
        meta = tracing.job_meta("r1")
    assert meta == {"request_id": "r1", "trace_id": TRACE}
    assert tracing.job_fields("j1", meta) == {"job_id": "j1", "request_id": "r1", "trace_id": TRACE}
    scheduled = tracing.job_fields("j2", {})  # queued by a schedule: no request, a trace of its own
    assert set(scheduled) == {"job_id", "trace_id"} and len(scheduled["trace_id"]) == 32


def event_trace(rt, workspace, trace_id=None):
    """Publish one event the way a job or a CLI command does; its stored trace id."""
    from doctypes.api_key.service import load_principal

    def publish(ctx):
        ctx.principal = load_principal(workspace["live"]["api_key"])
        return store_event(ctx, "Ping Test", {})

    if trace_id is None:
        event_id = call(rt, publish)
    else:
        with tracing.handling(tracing.job_fields("job-1", {"trace_id": trace_id})):
            event_id = call(rt, publish)
    return Event.get_by_id(event_id).trace_id


def test_an_event_published_by_a_job_carries_the_jobs_trace(rt, workspace):
    assert event_trace(rt, workspace, TRACE) == TRACE
    other = event_trace(rt, workspace)  # outside any request or job: a trace of its own
    assert other and other != TRACE and len(other) == 32


def test_a_context_acting_for_a_workspace_keeps_the_trace(rt):
    ctx = context(rt, trace_id=TRACE)
    assert ctx.acting_for(1, False).trace_id == TRACE


@pytest.fixture
def hook(client, workspace):
    headers = key_headers(workspace)
    with receiver() as inbox:
        created = client.post(API + "create_webhook", headers=headers,
                              json={"url": inbox.url, "events": ["Code Created", "Scan Captured"]})
        assert created.status_code == 200, created.text
        yield inbox, created.json()["message"], headers


def deliver(rt, until, timeout=15.0):
    from doctypes.webhook.jobs import sweep_webhooks

    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "the deliveries did not arrive in time"
        if not rt.embedded_queue:
            call(rt, sweep_webhooks)
            work_queue(rt)
        time.sleep(0.1)


def test_each_attempt_of_a_delivery_sends_the_requests_trace_with_a_span_of_its_own(client, rt, hook):
    inbox, endpoint, headers = hook
    inbox.script = [(500, {}), (200, {})]
    created = client.post(CREATE_CODE, json={"batch_name": "B1"}, headers={**headers, "traceparent": TRACEPARENT})
    assert created.status_code == 200, created.text
    deliver(rt, lambda: len(inbox.requests) == 2)
    sent = [request.headers["traceparent"] for request in inbox.requests]
    assert [tracing.trace_id_of(value) for value in sent] == [TRACE, TRACE]
    spans = [value.split("-")[2] for value in sent]
    assert len(set(spans)) == 2 and "00f067aa0ba902b7" not in spans  # a span per attempt, not the caller's
    assert Event.get().trace_id == TRACE
    # traceparent is an extra header: the signatures are as before, over the body alone.
    for request in inbox.requests:
        payload = standardwebhooks.Webhook(endpoint["secret"]).verify(request.body, request.headers)
        assert payload["event"] == "Code Created"


def test_a_malformed_traceparent_is_ignored(client, rt, hook):
    inbox, _, headers = hook
    bad = TRACEPARENT.upper()
    created = client.post(CREATE_CODE, json={"batch_name": "B1"}, headers={**headers, "traceparent": bad})
    assert created.status_code == 200, created.text
    deliver(rt, lambda: inbox.requests)
    trace_id = tracing.trace_id_of(inbox.requests[0].headers["traceparent"])
    assert trace_id and trace_id != TRACE.upper() and trace_id != TRACE and Event.get().trace_id == trace_id


def test_a_scan_recorded_in_a_batch_keeps_its_own_trace(client, rt, hook):
    """Scans are written by the batch writer's thread, many requests at a time: each event
    still carries the trace of its own request."""
    inbox, _, headers = hook
    code = client.post(CREATE_CODE, json={"batch_name": "B1"}, headers=headers).json()["message"]["codes"][0]
    scanned = client.get(VERIFY, params={"code": code}, headers={"traceparent": TRACEPARENT})
    assert scanned.status_code == 200, scanned.text
    deliver(rt, lambda: any(r.headers["x-traciqo-event"] == "Scan Captured" for r in inbox.requests))
    traces = {r.headers["x-traciqo-event"]: tracing.trace_id_of(r.headers["traceparent"]) for r in inbox.requests}
    assert traces["Scan Captured"] == TRACE and traces["Code Created"] != TRACE


def test_a_job_carries_the_trace_of_the_request_that_queued_it(client, rt):
    from rq.job import Job

    queued = client.post("/api/method/tests.support.methods.mark_later", json={"label": "traced"},
                         headers={"traceparent": TRACEPARENT})
    assert queued.status_code == 200, queued.text
    rt.enqueuer.submit(lambda: None).result(timeout=10)  # after-commit pushes happen on this thread
    found = wait_for(lambda: [job for job in (Job.fetch(i, connection=rt.redis) for i in job_ids(rt))
                              if job.meta.get("trace_id") == TRACE])
    assert found[0].meta["request_id"] == queued.headers["x-request-id"]


def job_ids(rt) -> list[str]:
    from traciqo_rpc.jobs import queue

    waiting = queue(rt.redis)
    return [*waiting.job_ids, *waiting.finished_job_registry.get_job_ids(), *waiting.started_job_registry.get_job_ids()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_served_requests_trace_is_logged_and_reaches_its_webhook(tmp_path, backend):
    """`traciqo-rpc serve` with JSON logs: the caller's trace id is a field of the request's line,
    and the webhook the request caused carries it; a malformed traceparent is only ignored."""
    if backend != "sqlite+embedded":
        pytest.skip("runs its own server on SQLite")
    env = command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'traced.db'}", TRACIQO_DATA_DIR=str(tmp_path / "data"),
                      TRACIQO_LOG_JSON="1", TRACIQO_WEBHOOK_ALLOW_CIDRS="127.0.0.0/8")
    for command in (["migrate"], ["fixtures"]):
        subprocess.run([SCRIPT, *command], cwd=tmp_path, env=env, check=True, capture_output=True)
    keys = json.loads(subprocess.run([SCRIPT, "workspace", "create", "--name", "traced", "--plan", "pro", "--json"],
                                     cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([SCRIPT, "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    headers = key_headers(keys)
    try:
        with receiver() as inbox, httpx.Client(base_url=base, timeout=10) as http:
            def up() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return http.get("/healthz").status_code == 200
                return False

            wait_for(up, timeout=30, interval=0.2)
            assert http.post(API + "create_webhook", headers=headers,
                             json={"url": inbox.url, "events": ["Code Created"]}).status_code == 200
            traced = http.post(CREATE_CODE, json={"batch_name": "T1"}, headers={**headers, "traceparent": TRACEPARENT})
            malformed = http.post(CREATE_CODE, json={"batch_name": "T2"},
                                  headers={**headers, "traceparent": f"00-{TRACE}-{'0' * 16}-01"})
            assert traced.status_code == 200 and malformed.status_code == 200, (traced.text, malformed.text)
            wait_for(lambda: len(inbox.requests) == 2, timeout=20)
            sent = {json.loads(r.body)["data"]["batch"]: tracing.trace_id_of(r.headers["traceparent"])
                    for r in inbox.requests}
    finally:
        stop(server)
    lines = [json.loads(line) for line in server.stderr.read().splitlines()] if server.stderr else []
    by_request = {line.get("request_id"): line for line in lines if line["logger"] == "traciqo.access"}
    traced_line = by_request[traced.headers["x-request-id"]]
    malformed_line = by_request[malformed.headers["x-request-id"]]
    assert traced_line["trace_id"] == TRACE and sent["T1"] == TRACE
    assert malformed_line["trace_id"] not in (TRACE, None) and sent["T2"] == malformed_line["trace_id"]
