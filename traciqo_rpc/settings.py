"""Configuration: the only module that reads the environment (TRACIQO_*)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from environs import Env, EnvValidationError
from marshmallow import ValidationError, validate

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The fewest PostgreSQL connections a process works with: its batch writers, one call thread
# and its background threads (runtime.pool_size).
MIN_POOL_SIZE = 8


class SettingsError(Exception):
    """Some TRACIQO_* variables do not parse; the message names each, with what is wrong."""

    def __init__(self, problems: Mapping[str, Any]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{name}: {_describe(messages)}" for name, messages in problems.items()))


def _describe(messages: Any) -> str:
    """marshmallow's messages as one line (a list's items are numbered from 1)."""
    if isinstance(messages, dict):
        return " ".join(f"item {int(k) + 1 if isinstance(k, int) else k}: {_describe(v)}" for k, v in messages.items())
    if isinstance(messages, (list, tuple)):
        return " ".join(_describe(message) for message in messages)
    return str(messages)


def _log_level(value: str) -> None:
    if value.strip().upper() not in LOG_LEVELS:
        raise ValidationError(f"Must be one of {', '.join(LOG_LEVELS)}.")


def _networks(listed: list[str]) -> tuple[str, ...]:
    """TRACIQO_WEBHOOK_ALLOW_CIDRS' networks, each checked, kept as written."""
    networks = tuple(item.strip() for item in listed if item.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise SettingsError({"TRACIQO_WEBHOOK_ALLOW_CIDRS": [f"{network!r} is not a network (e.g. 10.0.0.0/8)."]}
                                ) from None
    return networks


def _metrics_host(values: Mapping[str, Any]) -> str:
    """TRACIQO_METRICS_HOST: past loopback, the metrics port answers only with TRACIQO_METRICS_TOKEN."""
    host = values["metrics_host"].strip()
    if values["metrics_port"] is not None and values["metrics_token"] is None and not _loopback(host):
        raise SettingsError({"TRACIQO_METRICS_HOST": [
            f"{host} is not a loopback address: set TRACIQO_METRICS_TOKEN too, or anyone could read the metrics."]})
    return host


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _pool_size(value: int) -> None:
    if value != 0 and value < MIN_POOL_SIZE:
        raise ValidationError(f"0 (automatic) or at least {MIN_POOL_SIZE}.")


def _trusted_proxies(value: str) -> str:
    """TRACIQO_FORWARDED_ALLOW_IPS: `*`, or addresses and networks (10.0.0.0/8), comma-separated."""
    listed = [item.strip() for item in value.split(",") if item.strip()]
    for item in listed:
        if item == "*":
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError({"TRACIQO_FORWARDED_ALLOW_IPS": [
                f"{item!r} is not an address or a network (e.g. 10.0.0.5 or 10.0.0.0/8), nor *."]}) from None
    return ",".join(listed)


def _schedule(name: str, listed: list[str]) -> tuple[int, ...]:
    """A retry schedule's seconds before each attempt (TRACIQO_WEBHOOK_RETRY_SCHEDULE,
    TRACIQO_EMAIL_RETRY_SCHEDULE), as read from the variable `name`."""
    try:
        seconds = tuple(int(str(item).strip()) for item in listed if str(item).strip())
    except ValueError:
        seconds = None
    if seconds is None or any(second < 0 for second in seconds):
        raise SettingsError({name: ["Seconds before each attempt, e.g. 0,5,300."]})
    return seconds


SMTP_FLAGS = ("ssl", "starttls")
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _smtp(values: Mapping[str, str]) -> dict[str, str]:
    """TRACIQO_SMTP_*: a port that is a number, SSL and STARTTLS on or off (not both), a CA file
    that exists; the flags come out as "1" or "0" (an empty variable counts as unset)."""
    smtp = {name: value if name == "password" else value.strip() for name, value in values.items() if value.strip()}
    problems: dict[str, list[str]] = {}
    if "port" in smtp and not (smtp["port"].isdigit() and 0 < int(smtp["port"]) < 65536):
        problems["TRACIQO_SMTP_PORT"] = ["Not a valid port."]
    for flag in SMTP_FLAGS:
        if flag in smtp:
            if smtp[flag].lower() not in TRUE_WORDS + FALSE_WORDS:
                problems[f"TRACIQO_SMTP_{flag.upper()}"] = ["Not a valid boolean."]
            smtp[flag] = "1" if smtp[flag].lower() in TRUE_WORDS else "0"
    if smtp.get("ssl") == "1" and smtp.get("starttls") == "1":
        problems["TRACIQO_SMTP_SSL"] = ["SMTPS (TLS from the start) and STARTTLS exclude each other: set one."]
    if "cafile" in smtp and not Path(smtp["cafile"]).is_file():
        problems["TRACIQO_SMTP_CAFILE"] = [f"No such file: {smtp['cafile']}."]
    if problems:
        raise SettingsError(problems)
    return smtp


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///traciqo.db"
    # PostgreSQL: prepare hot statements once per connection (off behind a pooler that keeps no
    # session state between transactions, e.g. PgBouncer in transaction mode).
    database_prepared_statements: bool = True
    # PostgreSQL connections one process may open (0: what its threads need, runtime.pool_size).
    database_pool_size: int = 0
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
    # How long a dashboard sign-in lasts (the cookie's age and the session's).
    session_hours: int = 72
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
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (the proxy in front): the
    # client's address then comes from the header, for per-IP limits, bans and logs.
    forwarded_allow_ips: str = "127.0.0.1,::1"
    # Overrides every guest method's per-IP limit (requests/minute); 0 turns the limits off.
    guest_rate_limit: int | None = None
    # A code verified more often than this is reported as a likely cloned label.
    max_scans_before_suspicious: int = 10
    webhook_allow_cidrs: tuple[str, ...] = ()
    # How long a worker holds a delivery while sending; a killed worker's lease expires.
    webhook_lease_seconds: int = 60
    webhook_retry_schedule: tuple[int, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    smtp: Mapping[str, str] = field(default_factory=dict)
    # Seconds before each retry of an email after its first attempt: about 28 hours in all, past
    # what a greylisting server (or a mail server down for a day) asks for.
    email_retry_schedule: tuple[int, ...] = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200)
    # Days an outbox keeps sent and failed messages (0: for ever).
    retain_sent_emails_days: int = 30
    retain_failed_emails_days: int = 90
    # An address (an IPv6 client's /64) with this many failed authentications (401 answers)
    # within ip_ban_window seconds is refused (403 ip_ban) for ip_ban_seconds; 0 turns it off.
    ip_ban_failures: int = 20
    ip_ban_window: int = 600
    ip_ban_seconds: int = 900
    # Seconds a method call may take (504 timeout past them, its transaction rolled back); 0: no limit.
    request_timeout: float = 30.0
    # Prometheus metrics (metrics.py): GET /metrics answers `Authorization: Bearer <token>` (404
    # without a token set), and/or a listener of `serve` on metrics_host:metrics_port answers
    # them; PROMETHEUS_MULTIPROC_DIR is where each process keeps its counts so that they add up.
    metrics_token: str | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    metrics_dir: Path | None = None
    # Retention, days or hours (0 keeps forever): events all of whose deliveries succeeded, with
    # those deliveries and their attempts; deliveries that failed, kept longer (they can be
    # redelivered), and their events with the last of them; uploads nothing refers to.
    retain_events_days: int = 30
    retain_failed_events_days: int = 90
    retain_unattached_uploads_hours: int = 168  # a week: a customer may register days after uploading

    @classmethod
    def from_env(cls) -> Settings:
        """Read TRACIQO_* once (everything else gets a Settings object passed in); SettingsError
        names every variable that does not parse. An empty variable counts as unset."""
        env = Env(eager=False)
        defaults = cls()

        def read(kind: str, name: str, default: Any, **options: Any) -> Any:
            if not os.environ.get(name, "").strip():
                return default
            return getattr(env, kind)(name, default, **options)

        positive = {"validate": validate.Range(min=1)}
        not_negative = {"validate": validate.Range(min=0)}
        values = dict(
            database_url=read("str", "TRACIQO_DATABASE_URL", defaults.database_url),
            database_prepared_statements=read("bool", "TRACIQO_DATABASE_PREPARED_STATEMENTS", True),
            database_pool_size=read("int", "TRACIQO_DATABASE_POOL_SIZE", 0, validate=_pool_size),
            redis_url=read("str", "TRACIQO_REDIS_URL", None),
            secret_key=read("str", "TRACIQO_SECRET_KEY", None),
            base_url=read("str", "TRACIQO_BASE_URL", defaults.base_url),
            data_dir=read("path", "TRACIQO_DATA_DIR", defaults.data_dir),
            developer_mode=read("bool", "TRACIQO_DEVELOPER_MODE", False),
            log_json=read("bool", "TRACIQO_LOG_JSON", False),
            log_level=read("str", "TRACIQO_LOG_LEVEL", defaults.log_level, validate=_log_level),
            request_log=read("bool", "TRACIQO_REQUEST_LOG", True),
            default_rate_limit=read("int", "TRACIQO_RATE_LIMIT", defaults.default_rate_limit, **not_negative),
            threads=read("int", "TRACIQO_THREADS", defaults.threads, **positive),
            auth_cache_seconds=read("float", "TRACIQO_AUTH_CACHE_SECONDS", defaults.auth_cache_seconds,
                                    **not_negative),
            session_hours=read("int", "TRACIQO_SESSION_HOURS", defaults.session_hours, **positive),
            max_upload_bytes=read("int", "TRACIQO_MAX_UPLOAD_BYTES", defaults.max_upload_bytes, **positive),
            max_body_bytes=read("int", "TRACIQO_MAX_BODY_BYTES", defaults.max_body_bytes, **positive),
            max_guest_body_bytes=read("int", "TRACIQO_MAX_GUEST_BODY_BYTES", defaults.max_guest_body_bytes,
                                      **positive),
            http_header_timeout=read("float", "TRACIQO_HTTP_HEADER_TIMEOUT", defaults.http_header_timeout,
                                     **positive),
            http_body_timeout=read("float", "TRACIQO_HTTP_BODY_TIMEOUT", defaults.http_body_timeout, **positive),
            http_body_min_rate=read("int", "TRACIQO_HTTP_BODY_MIN_RATE", defaults.http_body_min_rate, **positive),
            http_keepalive_timeout=read("int", "TRACIQO_HTTP_KEEPALIVE_TIMEOUT", defaults.http_keepalive_timeout,
                                        **positive),
            http_max_head_bytes=read("int", "TRACIQO_HTTP_MAX_HEAD_BYTES", defaults.http_max_head_bytes, **positive),
            http_max_connections=read("int", "TRACIQO_HTTP_MAX_CONNECTIONS", defaults.http_max_connections,
                                      **positive),
            forwarded_allow_ips=read("str", "TRACIQO_FORWARDED_ALLOW_IPS", defaults.forwarded_allow_ips),
            guest_rate_limit=read("int", "TRACIQO_GUEST_RATE_LIMIT", None, **not_negative),
            max_scans_before_suspicious=read("int", "TRACIQO_MAX_SCANS", defaults.max_scans_before_suspicious,
                                             **positive),
            webhook_allow_cidrs=read("list", "TRACIQO_WEBHOOK_ALLOW_CIDRS", []),
            webhook_lease_seconds=read("int", "TRACIQO_WEBHOOK_LEASE_SECONDS", defaults.webhook_lease_seconds,
                                       **positive),
            webhook_retry_schedule=read("list", "TRACIQO_WEBHOOK_RETRY_SCHEDULE", defaults.webhook_retry_schedule),
            email_retry_schedule=read("list", "TRACIQO_EMAIL_RETRY_SCHEDULE", defaults.email_retry_schedule),
            retain_sent_emails_days=read("int", "TRACIQO_RETAIN_SENT_EMAILS_DAYS", defaults.retain_sent_emails_days,
                                         **not_negative),
            retain_failed_emails_days=read("int", "TRACIQO_RETAIN_FAILED_EMAILS_DAYS",
                                           defaults.retain_failed_emails_days, **not_negative),
            smtp={name[len("TRACIQO_SMTP_"):].lower(): value for name, value in os.environ.items()
                  if name.startswith("TRACIQO_SMTP_")},
            ip_ban_failures=read("int", "TRACIQO_IP_BAN_FAILURES", defaults.ip_ban_failures, **not_negative),
            ip_ban_window=read("int", "TRACIQO_IP_BAN_WINDOW", defaults.ip_ban_window, **positive),
            ip_ban_seconds=read("int", "TRACIQO_IP_BAN_SECONDS", defaults.ip_ban_seconds, **positive),
            request_timeout=read("float", "TRACIQO_REQUEST_TIMEOUT", defaults.request_timeout, **not_negative),
            metrics_token=read("str", "TRACIQO_METRICS_TOKEN", None, validate=validate.Length(min=16)),
            metrics_port=read("int", "TRACIQO_METRICS_PORT", None, validate=validate.Range(min=1, max=65535)),
            metrics_host=read("str", "TRACIQO_METRICS_HOST", defaults.metrics_host),
            metrics_dir=read("path", "PROMETHEUS_MULTIPROC_DIR", None),
            retain_events_days=read("int", "TRACIQO_RETAIN_EVENTS_DAYS", defaults.retain_events_days, **not_negative),
            retain_failed_events_days=read("int", "TRACIQO_RETAIN_FAILED_EVENTS_DAYS",
                                           defaults.retain_failed_events_days, **not_negative),
            retain_unattached_uploads_hours=read("int", "TRACIQO_RETAIN_UNATTACHED_UPLOADS_HOURS",
                                                 defaults.retain_unattached_uploads_hours, **not_negative),
        )
        try:
            env.seal()
        except EnvValidationError as exc:
            problems = exc.error_messages
            raise SettingsError(problems if isinstance(problems, Mapping) else {"environment": problems}) from None
        return cls(**values).with_changes(
            base_url=values["base_url"].rstrip("/"), log_level=values["log_level"].upper(),
            webhook_allow_cidrs=_networks(values["webhook_allow_cidrs"]),
            forwarded_allow_ips=_trusted_proxies(values["forwarded_allow_ips"]),
            webhook_retry_schedule=_schedule("TRACIQO_WEBHOOK_RETRY_SCHEDULE", values["webhook_retry_schedule"]),
            email_retry_schedule=_schedule("TRACIQO_EMAIL_RETRY_SCHEDULE", values["email_retry_schedule"]),
            smtp=_smtp(values["smtp"]), metrics_host=_metrics_host(values))

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
