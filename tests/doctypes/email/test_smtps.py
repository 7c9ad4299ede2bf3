"""SMTPS (TLS from the start) and STARTTLS, both verifying the server's certificate; a private
CA (here a self-signed certificate) is trusted through TRACIQO_SMTP_CAFILE."""

from __future__ import annotations

import pytest

from doctypes.email.transport import SmtpServer
from tests.doctypes.email.support import by_subject, queue, send, smtp_runtime
from traciqo_rpc.settings import Settings, SettingsError


def test_smtps_with_a_private_ca(make_app, settings, start_smtp, server_tls, certificate):
    inbox, port = start_smtp(ssl_context=server_tls)
    rt = smtp_runtime(make_app, settings, port, ssl="1", cafile=str(certificate[0]))
    queue(rt, "Over TLS")
    assert send(rt) == 1
    assert [mail["Subject"] for mail in inbox.received] == ["Over TLS"]


def test_starttls_with_a_private_ca(make_app, settings, start_smtp, server_tls, certificate):
    inbox, port = start_smtp(tls_context=server_tls, require_starttls=True)
    rt = smtp_runtime(make_app, settings, port, starttls="1", cafile=str(certificate[0]))
    queue(rt, "Upgraded")
    assert send(rt) == 1
    assert [mail["Subject"] for mail in inbox.received] == ["Upgraded"]


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_an_untrusted_certificate_is_refused_and_retried_later(make_app, settings, start_smtp, server_tls, mode):
    options = {"ssl_context": server_tls} if mode == "ssl" else {"tls_context": server_tls, "require_starttls": True}
    inbox, port = start_smtp(**options)
    rt = smtp_runtime(make_app, settings, port, **{mode: "1"})  # no CA file: the system's CAs only
    queue(rt, "Unsafe")
    assert send(rt) == 0
    message = by_subject()["Unsafe"]
    assert message.status == "queued" and message.attempts == 1 and "CERTIFICATE_VERIFY_FAILED" in message.error
    assert not inbox.offered


def test_a_server_that_requires_starttls_refuses_plain_mail(make_app, settings, start_smtp, server_tls):
    inbox, port = start_smtp(tls_context=server_tls, require_starttls=True)
    rt = smtp_runtime(make_app, settings, port)
    queue(rt, "Plain")
    assert send(rt) == 0
    assert by_subject()["Plain"].status == "queued" and not inbox.offered  # 530, retried: a setting to fix


@pytest.mark.parametrize("smtp, ssl, port", [
    ({"host": "mail", "port": "465"}, True, 465),  # port 465 speaks TLS from the start
    ({"host": "mail", "port": "465", "ssl": "0"}, False, 465),  # unless told otherwise
    ({"host": "mail", "ssl": "1"}, True, 465),
    ({"host": "mail"}, False, 25),
    ({"host": "mail", "port": "587", "starttls": "1"}, False, 587),
])
def test_smtps_from_the_settings(smtp, ssl, port):
    server = SmtpServer.from_settings(smtp)
    assert server is not None and (server.ssl, server.port) == (ssl, port)


def test_no_host_no_server():
    assert SmtpServer.from_settings({"port": "25"}) is None


def without_traciqo_variables(monkeypatch) -> None:
    import os

    for name in [name for name in os.environ if name.startswith("TRACIQO_")]:
        monkeypatch.delenv(name)


def test_smtp_settings_from_env(monkeypatch, certificate):
    without_traciqo_variables(monkeypatch)
    for name, value in {"TRACIQO_SMTP_HOST": "mail", "TRACIQO_SMTP_PORT": "465", "TRACIQO_SMTP_SSL": "yes",
                        "TRACIQO_SMTP_CAFILE": str(certificate[0]), "TRACIQO_SMTP_USER": "",
                        "TRACIQO_EMAIL_RETRY_SCHEDULE": "30, 600",
                        "TRACIQO_RETAIN_SENT_EMAILS_DAYS": "0"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert settings.smtp == {"host": "mail", "port": "465", "ssl": "1", "cafile": str(certificate[0])}
    assert settings.email_retry_schedule == (30, 600)
    assert (settings.retain_sent_emails_days, settings.retain_failed_emails_days) == (0, 90)


@pytest.mark.parametrize("variables, named, message", [
    ({"TRACIQO_EMAIL_RETRY_SCHEDULE": "60,later"}, "TRACIQO_EMAIL_RETRY_SCHEDULE", "Seconds before each attempt"),
    ({"TRACIQO_EMAIL_RETRY_SCHEDULE": "60,-5"}, "TRACIQO_EMAIL_RETRY_SCHEDULE", "Seconds before each attempt"),
    ({"TRACIQO_SMTP_PORT": "smtp"}, "TRACIQO_SMTP_PORT", "Not a valid port."),
    ({"TRACIQO_SMTP_SSL": "maybe"}, "TRACIQO_SMTP_SSL", "Not a valid boolean."),
    ({"TRACIQO_SMTP_SSL": "1", "TRACIQO_SMTP_STARTTLS": "1"}, "TRACIQO_SMTP_SSL", "exclude each other"),
    ({"TRACIQO_SMTP_CAFILE": "/nonexistent/ca.pem"}, "TRACIQO_SMTP_CAFILE", "No such file"),
    ({"TRACIQO_RETAIN_FAILED_EMAILS_DAYS": "-1"}, "TRACIQO_RETAIN_FAILED_EMAILS_DAYS", "greater than or equal to 0"),
])
def test_a_bad_email_setting_is_named(monkeypatch, variables, named, message):
    without_traciqo_variables(monkeypatch)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        Settings.from_env()
    assert str(refused.value).startswith(f"{named}: ") and message in str(refused.value)
