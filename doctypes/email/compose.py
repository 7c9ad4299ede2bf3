"""An outbox row as the message a mail server receives: pure, no I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from .model import EmailMessage


def compose(message: EmailMessage, sender: str | None, now: dt.datetime, secret_key: str,
            base_url: str) -> MimeMessage:
    """From (TRACIQO_SMTP_FROM, else no-reply@ the base URL's host), To, Subject, Date (this
    attempt's time, UTC) and a Message-ID that every retry repeats."""
    sender = sender or f"no-reply@{_host(base_url)}"
    mime = MimeMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(now.replace(tzinfo=dt.timezone.utc))
    mime["Message-ID"] = message_id(message, secret_key, _domain(sender, base_url))
    mime.set_content(message.body)
    return mime


def message_id(message: EmailMessage, secret_key: str, domain: str) -> str:
    """Derived, not stored: an HMAC of the row's workspace, id and creation time, so retries
    repeat it (a receiver drops a copy it has had) while rows of another database, whose ids
    start again at 1, get other ids, and the outbox's size is not told to every recipient."""
    identity = f"email:{message.workspace_id}:{message.id}:{message.created_at.isoformat()}"
    digest = hmac.new(secret_key.encode(), identity.encode(), hashlib.sha256).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def _domain(sender: str, base_url: str) -> str:
    """The From address's domain, else TRACIQO_BASE_URL's host."""
    _, at, domain = parseaddr(sender)[1].rpartition("@")
    return domain if at and domain else _host(base_url)


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "localhost"
