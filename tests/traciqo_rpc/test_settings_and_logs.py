from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from traciqo_rpc import logs
from traciqo_rpc.logs import JsonFormatter
from traciqo_rpc.settings import Settings


def test_settings_from_env():
    settings = Settings.from_env({
        "TRACIQO_DATABASE_URL": "postgresql://u:p@db/x",
        "TRACIQO_REDIS_URL": "redis://r:6379/0",
        "TRACIQO_BASE_URL": "https://verify.example.com/",
        "TRACIQO_DEVELOPER_MODE": "1",
        "TRACIQO_LOG_JSON": "true",
        "TRACIQO_REQUEST_LOG": "0",
        "TRACIQO_DATABASE_PREPARED_STATEMENTS": "0",
        "TRACIQO_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8, 10.0.0.0/8",
        "TRACIQO_WEBHOOK_RETRY_SCHEDULE": "0,1,2",
        "TRACIQO_SMTP_HOST": "mail",
        "UNRELATED": "x",
    })
    assert settings.database_url == "postgresql://u:p@db/x"
    assert settings.redis_url == "redis://r:6379/0"
    assert settings.base_url == "https://verify.example.com"
    assert settings.developer_mode and settings.log_json and not settings.request_log
    assert settings.database_prepared_statements is False
    assert settings.webhook_allow_cidrs == ("127.0.0.0/8", "10.0.0.0/8")
    assert settings.webhook_retry_schedule == (0, 1, 2)
    assert settings.smtp == {"host": "mail"}


def test_settings_defaults():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///traciqo.db"
    assert settings.redis_url is None
    assert settings.default_rate_limit == 100
    assert settings.database_prepared_statements is True


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
