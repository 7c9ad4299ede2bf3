"""Configuration: the only module that reads the environment (TRACIQO_*)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///traciqo.db"
    # PostgreSQL: prepare hot statements once per connection (off behind a pooler that keeps no
    # session state between transactions, e.g. PgBouncer in transaction mode).
    database_prepared_statements: bool = True
    redis_url: str | None = None
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    data_dir: Path = Path("data")
    developer_mode: bool = False
    log_json: bool = False
    log_level: str = "INFO"
    # Usage logging (api_request_log rows); the per-request access log line is always on.
    request_log: bool = True
    default_rate_limit: int = 100
    # Worker threads per web process for the synchronous method calls (caps DB connections too).
    threads: int = 16
    auth_cache_seconds: float = 2.0
    # Largest request body a raw route (file upload) accepts.
    max_upload_bytes: int = 10 * 1024 * 1024
    # Largest body a method reads (a method may declare more); without credentials in the
    # headers, at most the guest size is read (a sign-in form, a token in the body).
    max_body_bytes: int = 1024 * 1024
    max_guest_body_bytes: int = 64 * 1024
    # Slow and idle clients (traciqo_rpc/serving.py): seconds to send a request head, and to
    # send a body (plus one second per http_body_min_rate bytes); idle keep-alive seconds;
    # the largest request head; open connections per process (lowered to fit the open-file limit).
    http_header_timeout: float = 15.0
    http_body_timeout: float = 15.0
    http_body_min_rate: int = 1024
    http_keepalive_timeout: int = 5
    http_max_head_bytes: int = 64 * 1024
    http_max_connections: int = 1000
    # Overrides every guest method's per-IP limit (requests/minute); 0 turns the limits off.
    guest_rate_limit: int | None = None
    # A code verified more often than this is reported as a likely cloned label.
    max_scans_before_suspicious: int = 10
    webhook_allow_cidrs: tuple[str, ...] = ()
    # How long a worker holds a delivery while sending; a killed worker's lease expires.
    webhook_lease_seconds: int = 60
    webhook_retry_schedule: tuple[int, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    smtp: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read TRACIQO_* once; everything else gets a Settings object passed in."""
        env = os.environ if environ is None else environ
        defaults = cls()
        retry = env.get("TRACIQO_WEBHOOK_RETRY_SCHEDULE")
        return cls(
            database_url=env.get("TRACIQO_DATABASE_URL") or defaults.database_url,
            database_prepared_statements=_flag(env.get("TRACIQO_DATABASE_PREPARED_STATEMENTS"), default=True),
            redis_url=env.get("TRACIQO_REDIS_URL") or None,
            secret_key=env.get("TRACIQO_SECRET_KEY") or None,
            base_url=(env.get("TRACIQO_BASE_URL") or defaults.base_url).rstrip("/"),
            data_dir=Path(env.get("TRACIQO_DATA_DIR") or defaults.data_dir),
            developer_mode=_flag(env.get("TRACIQO_DEVELOPER_MODE")),
            log_json=_flag(env.get("TRACIQO_LOG_JSON")),
            log_level=(env.get("TRACIQO_LOG_LEVEL") or defaults.log_level).upper(),
            request_log=_flag(env.get("TRACIQO_REQUEST_LOG"), default=True),
            default_rate_limit=int(env.get("TRACIQO_RATE_LIMIT") or defaults.default_rate_limit),
            threads=int(env.get("TRACIQO_THREADS") or defaults.threads),
            auth_cache_seconds=float(env.get("TRACIQO_AUTH_CACHE_SECONDS") or defaults.auth_cache_seconds),
            max_upload_bytes=int(env.get("TRACIQO_MAX_UPLOAD_BYTES") or defaults.max_upload_bytes),
            max_body_bytes=int(env.get("TRACIQO_MAX_BODY_BYTES") or defaults.max_body_bytes),
            max_guest_body_bytes=int(env.get("TRACIQO_MAX_GUEST_BODY_BYTES") or defaults.max_guest_body_bytes),
            http_header_timeout=float(env.get("TRACIQO_HTTP_HEADER_TIMEOUT") or defaults.http_header_timeout),
            http_body_timeout=float(env.get("TRACIQO_HTTP_BODY_TIMEOUT") or defaults.http_body_timeout),
            http_body_min_rate=int(env.get("TRACIQO_HTTP_BODY_MIN_RATE") or defaults.http_body_min_rate),
            http_keepalive_timeout=int(env.get("TRACIQO_HTTP_KEEPALIVE_TIMEOUT") or defaults.http_keepalive_timeout),
            http_max_head_bytes=int(env.get("TRACIQO_HTTP_MAX_HEAD_BYTES") or defaults.http_max_head_bytes),
            http_max_connections=int(env.get("TRACIQO_HTTP_MAX_CONNECTIONS") or defaults.http_max_connections),
            guest_rate_limit=int(env["TRACIQO_GUEST_RATE_LIMIT"]) if env.get("TRACIQO_GUEST_RATE_LIMIT") else None,
            max_scans_before_suspicious=int(
                env.get("TRACIQO_MAX_SCANS") or defaults.max_scans_before_suspicious
            ),
            webhook_allow_cidrs=tuple(
                c.strip() for c in (env.get("TRACIQO_WEBHOOK_ALLOW_CIDRS") or "").split(",") if c.strip()
            ),
            webhook_lease_seconds=int(env.get("TRACIQO_WEBHOOK_LEASE_SECONDS") or defaults.webhook_lease_seconds),
            webhook_retry_schedule=(
                tuple(int(s) for s in retry.split(",") if s.strip()) if retry else defaults.webhook_retry_schedule
            ),
            smtp={k[len("TRACIQO_SMTP_"):].lower(): v for k, v in env.items() if k.startswith("TRACIQO_SMTP_")},
        )

    def with_changes(self, **changes) -> Settings:
        return replace(self, **changes)

    def resolved_secret_key(self) -> str:
        """The signing key: TRACIQO_SECRET_KEY, else one generated once under the data folder."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        return key
