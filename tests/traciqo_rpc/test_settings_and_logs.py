from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from traciqo_rpc import logs
from traciqo_rpc.logs import JsonFormatter
from traciqo_rpc.settings import Settings


def test_settings_from_env(monkeypatch):
    for name, value in {
        "TRACIQO_DATABASE_URL": "postgresql://u:p@db/x",
        "TRACIQO_REDIS_URL": "redis://r:6379/0",
        "TRACIQO_BASE_URL": "https://verify.example.com/",
        "TRACIQO_DEVELOPER_MODE": "1",
        "TRACIQO_LOG_JSON": "true",
        "TRACIQO_LOG_LEVEL": "warning",
        "TRACIQO_REQUEST_LOG": "0",
        "TRACIQO_DATABASE_PREPARED_STATEMENTS": "0",
        "TRACIQO_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8, 10.0.0.0/8",
        "TRACIQO_WEBHOOK_RETRY_SCHEDULE": "0,1,2",
        "TRACIQO_SMTP_HOST": "mail",
        "TRACIQO_THREADS": "",  # empty counts as unset
        "UNRELATED": "x",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert settings.database_url == "postgresql://u:p@db/x"
    assert settings.redis_url == "redis://r:6379/0"
    assert settings.base_url == "https://verify.example.com"
    assert settings.developer_mode and settings.log_json and not settings.request_log
    assert settings.log_level == "WARNING" and settings.threads == 16
    assert settings.database_prepared_statements is False
    assert settings.webhook_allow_cidrs == ("127.0.0.0/8", "10.0.0.0/8")
    assert settings.webhook_retry_schedule == (0, 1, 2)
    assert settings.smtp == {"host": "mail"}


def without_traciqo_variables(monkeypatch) -> None:
    import os

    for name in [name for name in os.environ if name.startswith("TRACIQO_")]:
        monkeypatch.delenv(name)


def test_settings_defaults(monkeypatch):
    without_traciqo_variables(monkeypatch)
    settings = Settings.from_env()
    assert settings.database_url == "sqlite:///traciqo.db"
    assert settings.redis_url is None
    assert settings.default_rate_limit == 100
    assert settings.database_prepared_statements is True


@pytest.mark.parametrize("name, value, message", [
    ("TRACIQO_THREADS", "abc", "Not a valid integer."),
    ("TRACIQO_THREADS", "0", "greater than or equal to 1"),
    ("TRACIQO_DEVELOPER_MODE", "maybe", "Not a valid boolean."),
    ("TRACIQO_LOG_LEVEL", "loud", "Must be one of DEBUG"),
    ("TRACIQO_HTTP_HEADER_TIMEOUT", "soon", "Not a valid number."),
    ("TRACIQO_WEBHOOK_ALLOW_CIDRS", "10.0.0.0/8,nope", "'nope' is not a network"),
    ("TRACIQO_WEBHOOK_RETRY_SCHEDULE", "0,5,later", "Seconds before each attempt"),
])
def test_a_bad_setting_is_named(monkeypatch, name, value, message):
    from traciqo_rpc.settings import SettingsError

    without_traciqo_variables(monkeypatch)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    assert str(refused.value).startswith(f"{name}: ") and message in str(refused.value)


def test_every_command_reports_bad_settings_in_one_line_and_exits_2(tmp_path):
    import subprocess

    from tests.support.processes import SCRIPT, command_env

    env = command_env(TRACIQO_THREADS="abc", TRACIQO_RATE_LIMIT="many")
    for command in (["migrate"], ["serve", "--port", "9"], ["worker"]):
        done = subprocess.run([SCRIPT, *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip().splitlines() == [
            "traciqo-rpc: error: TRACIQO_RATE_LIMIT: Not a valid integer.; TRACIQO_THREADS: Not a valid integer."]


def test_generated_secret_key_is_stored_privately(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.resolved_secret_key()
    assert len(key) >= 32
    assert settings.resolved_secret_key() == key
    assert (Path(tmp_path / "data" / "secret_key").stat().st_mode & 0o777) == 0o600


def test_access_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="traciqo.access"):
        response = client.get("/api/method/traciqo_rpc.api.ping")
    record = next(r for r in caplog.records if r.name == "traciqo.access")
    line = record.getMessage()
    assert line.startswith("GET /api/method/traciqo_rpc.api.ping 200 ")
    assert f"rid={response.headers['x-request-id']}" in line
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status"] == 200 and entry["request_id"] == response.headers["x-request-id"]
    assert entry["path"] == "/api/method/traciqo_rpc.api.ping"


@pytest.mark.parametrize("log_json", [False, True])
def test_direct_access_lines_match_what_a_record_gives(log_json, tmp_path):
    """In the default set-up access lines skip the LogRecord; the text must not change."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/t.db", secret_key="x", log_json=log_json)
    logs.configure_logging(settings)
    try:
        writer = logs._writer
        fields = ("GET", "/api/method/traciqo_rpc.api.whoami", 200, 1.23456, "abc123", "acme")
        before = time.time()
        logs.log_access(*fields)
        direct = writer.lines.pop()
        record = logs.AccessRecord(*fields)
        record.created = float(int(before))  # same second, same milliseconds: compare whole lines
        record.msecs = 0.0
        assert writer.formatter.access_line(record.created, fields) == writer.formatter.format(record)
        # The line logged a moment ago: the same but for its time stamp.
        if log_json:
            got, want = json.loads(direct), json.loads(writer.formatter.format(record))
            got.pop("ts"), want.pop("ts")
            assert got == want
        else:
            assert direct.split(" ", 1)[1] == writer.formatter.format(record).split(" ", 1)[1]

        # Any other set-up goes through logging as usual: a filter sees a real record.
        seen = []
        access = logging.getLogger("traciqo.access")
        access.addFilter(lambda r: seen.append(r) or True)
        logs.log_access(*fields)
        assert [r.getMessage() for r in seen] == ["GET /api/method/traciqo_rpc.api.whoami 200 1.2ms rid=abc123 ws=acme"]
        assert writer.lines.pop() == writer.formatter.format(seen[0])
    finally:
        logging.getLogger("traciqo.access").filters.clear()
        logs.stop_logging()


TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"


def json_lines(text: str) -> list[dict]:
    """Each line as the JSON object it must be (one that is not fails the test)."""
    lines = [json.loads(line) for line in text.splitlines()]
    assert all({"ts", "level", "logger", "msg"} <= set(line) for line in lines), lines
    return lines


def test_a_line_logged_while_a_request_is_handled_carries_its_ids(make_app, settings, capsys):
    """The dispatcher logs an unexpected error from the call's thread, after the call's context
    has ended: the request id and trace are fields of that line all the same."""
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(log_json=True))
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.post("/api/method/tests.support.methods.boom", headers={"traceparent": TRACEPARENT})
    finally:
        logs.stop_logging()
    assert response.status_code == 500
    lines = json_lines(capsys.readouterr().err)
    [error] = [line for line in lines if line["level"] == "error"]
    assert error["request_id"] == response.headers["x-request-id"] and error["trace_id"] == TRACE
    assert "secret internals" in error["exc"]
    [access] = [line for line in lines if line["logger"] == "traciqo.access"]
    assert (access["request_id"], access["trace_id"], access["status"]) == (error["request_id"], TRACE, 500)


def test_plain_lines_stay_as_they_were(settings, capsys):
    from traciqo_rpc import tracing

    logs.configure_logging(settings)
    try:
        with tracing.handling(tracing.request_fields("r1", TRACEPARENT.encode())):
            logging.getLogger("traciqo.test").warning("plain %s", "words")
            logging.getLogger("rq.worker").warning("RQ's line, in our format")
    finally:
        logs.stop_logging()
    first, second = capsys.readouterr().err.splitlines()
    assert first.endswith(" WARNING traciqo.test plain words") and "r1" not in first and TRACE not in first
    assert second.endswith(" WARNING rq.worker RQ's line, in our format")


def test_a_python_warning_is_a_json_line_too(settings, capsys):
    import warnings

    logs.configure_logging(settings.with_changes(log_json=True))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.warn("an old way", UserWarning, stacklevel=1)
    finally:
        logs.stop_logging()
    [line] = json_lines(capsys.readouterr().err)
    assert line["logger"] == "py.warnings" and line["level"] == "warning" and "UserWarning: an old way" in line["msg"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_writes_one_json_object_a_line_uvicorns_own_included(tmp_path, backend):
    import contextlib
    import subprocess

    import httpx

    from tests.support.helpers import wait_for
    from tests.support.processes import SCRIPT, command_env, stop

    if backend != "sqlite+embedded":
        pytest.skip("runs its own server on SQLite")
    env = command_env(TRACIQO_DATABASE_URL=f"sqlite:///{tmp_path / 'json.db'}", TRACIQO_DATA_DIR=str(tmp_path / "data"),
                      TRACIQO_LOG_JSON="1")
    subprocess.run([SCRIPT, "migrate"], cwd=tmp_path, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([SCRIPT, "serve", "--port", str(port)], cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            def up() -> bool:
                with contextlib.suppress(httpx.HTTPError):
                    return http.get("/healthz").status_code == 200
                return False

            wait_for(up, timeout=30, interval=0.2)
            assert http.get("/api/method/traciqo_rpc.api.ping", headers={"X-Request-Id": "probe-1"}).status_code == 200
            assert http.get("/api/method/no.such.method").status_code == 404
    finally:
        stop(server)
    assert server.stdout is not None and server.stderr is not None
    lines = json_lines(server.stdout.read() + server.stderr.read())
    said = [(line["logger"], line["msg"]) for line in lines]
    for started in ("Started server process", "Application startup complete.", "Uvicorn running on http://127.0.0.1"):
        assert any(logger == "uvicorn.error" and msg.startswith(started) for logger, msg in said), said
    # The last line, written although uvicorn ends the process with the SIGTERM it caught.
    assert said[-1] == ("uvicorn.error", f"Finished server process [{server.pid}]"), said[-3:]
    access = [line for line in lines if line["logger"] == "traciqo.access"]
    assert [(line["path"], line["status"]) for line in access if line["request_id"] == "probe-1"] == [
        ("/api/method/traciqo_rpc.api.ping", 200)]
    assert len(access) >= 3 and all(len(line["trace_id"]) == 32 and line["request_id"] for line in access)
    assert all("color_message" not in line for line in lines)


def test_a_worker_process_writes_rq_lines_as_json_with_the_jobs_ids(rt, settings, tmp_path):
    import subprocess

    from rq.job import Job

    from tests.support.helpers import wait_for
    from tests.support.processes import SCRIPT, command_env, stop
    from traciqo_rpc import tracing
    from traciqo_rpc.jobs import push, queue

    if rt.embedded_queue:
        pytest.skip("needs a real Redis (TRACIQO_TEST_REDIS_URL)")
    env = command_env(TRACIQO_DATABASE_URL=settings.database_url, TRACIQO_REDIS_URL=settings.redis_url,
                      TRACIQO_DATA_DIR=str(tmp_path / "data"), TRACIQO_LOG_JSON="1")
    worker = subprocess.Popen([SCRIPT, "worker"], cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def done() -> list[str]:
        finished = queue(rt.redis).finished_job_registry.get_job_ids()
        return [i for i in finished if Job.fetch(i, connection=rt.redis).meta.get("request_id") == "req-traced"]

    try:
        with tracing.handling(tracing.request_fields("req-traced", TRACEPARENT.encode())):
            push(rt.redis, "doctypes.api_request_log.jobs.prune_request_logs", None, "req-traced", [], {})
        [job_id] = wait_for(done, timeout=30)
    finally:
        stop(worker)
    assert worker.stdout is not None and worker.stderr is not None
    lines = json_lines(worker.stdout.read() + worker.stderr.read())
    assert any(line["logger"] == "rq.worker" and "started with PID" in line["msg"] for line in lines)
    assert any(line["logger"] == "rq.scheduler" for line in lines)  # the scheduler's forked process too
    of_job = [line for line in lines if line.get("job_id") == job_id]
    assert any(line["logger"] == "rq.worker" and "Job OK" in line["msg"] for line in of_job), of_job
    assert all((line["request_id"], line["trace_id"]) == ("req-traced", TRACE) for line in of_job)
