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
