"""The SMTP connection (plain, STARTTLS or SMTPS, certificates verified) and what its errors mean."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

SMTP_PORT, SMTPS_PORT = 25, 465
TIMEOUT = 15  # seconds to connect, and for each command


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send, from TRACIQO_SMTP_* (settings.smtp, checked by settings._smtp)."""

    host: str
    port: int
    ssl: bool  # SMTPS: TLS from the first byte (port 465)
    starttls: bool
    user: str
    password: str
    sender: str | None  # TRACIQO_SMTP_FROM; unset: no-reply@ the base URL's host (compose.py)
    cafile: str | None  # a private CA (or a self-signed certificate) to trust besides the system's

    @classmethod
    def from_settings(cls, smtp: Mapping[str, str]) -> SmtpServer | None:
        """None without TRACIQO_SMTP_HOST: the outbox then only fills. SMTPS is on when
        TRACIQO_SMTP_SSL says so, or when it is unset and the port is 465."""
        if not smtp.get("host"):
            return None
        port = smtp.get("port")
        implicit_tls = _flag(smtp["ssl"]) if smtp.get("ssl") else port == str(SMTPS_PORT)
        return cls(host=smtp["host"], port=int(port or (SMTPS_PORT if implicit_tls else SMTP_PORT)),
                   ssl=implicit_tls, starttls=_flag(smtp.get("starttls", "")), user=smtp.get("user", ""),
                   password=smtp.get("password", ""), sender=smtp.get("from") or None,
                   cafile=smtp.get("cafile") or None)


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def connect(server: SmtpServer) -> smtplib.SMTP:
    """An open, greeted, (if configured) signed-in connection; raises OSError (smtplib's errors
    are OSErrors too) when the server cannot be reached, refuses us or fails TLS verification."""
    context = ssl.create_default_context(cafile=server.cafile)
    client = (smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context) if server.ssl
              else smtplib.SMTP(server.host, server.port, timeout=TIMEOUT))
    try:
        if server.starttls:
            client.starttls(context=context)  # smtplib's own default would not check the certificate
        if server.user:
            client.login(server.user, server.password)
    except BaseException:
        close(client)
        raise
    return client


def close(client: smtplib.SMTP) -> None:
    """Say goodbye if the server still listens; a dropped connection has nothing to close politely."""
    try:
        client.quit()
    except OSError:
        pass
    finally:
        client.close()


def connection_lost(exc: OSError) -> bool:
    """The connection is gone (dropped, reset, timed out): the rest of a batch cannot use it."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or not isinstance(exc, smtplib.SMTPException)


def permanent(exc: OSError) -> bool:
    """A 5xx refusal of this message that a retry will not change: every recipient refused with
    5xx (no such mailbox), or the content refused after DATA. Anything else (4xx such as
    greylisting's 451, our sender or credentials refused: settings an operator can fix) is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def describe(exc: OSError) -> str:
    """The server's answer (code and text) where there is one, else the error's class and text."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
