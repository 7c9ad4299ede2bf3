"""The email tests' SMTP server on loopback (aiosmtpd) that answers as a test scripts it, and
helpers to queue, send and move the outbox's clock (a retry is made due by moving its
send_after back, not waited for)."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes
from email.message import Message
from typing import Any

from doctypes.email.model import EmailMessage
from doctypes.email.sending import send_due
from doctypes.email.service import queue_emails
from tests.support.helpers import call, context
from traciqo_rpc.principal import Principal


class Inbox:
    """An aiosmtpd handler: keeps every message it is given (accepted or not) and answers as
    scripted: RCPT answers per recipient, answers to the next DATA commands, a dropped
    connection at the DATA of the n-th message."""

    def __init__(self) -> None:
        self.received: list[Message] = []  # accepted (250)
        self.offered: list[Message] = []  # every DATA, whatever the answer
        self.rcpt_replies: dict[str, str] = {}
        self.data_replies: list[str] = []
        self.always_data_reply: str | None = None
        self.drop_at_message: int | None = None  # 0-based, counted over offered messages

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        reply = self.rcpt_replies.get(address)
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        if self.drop_at_message is not None and len(self.offered) == self.drop_at_message:
            server.transport.abort()  # the server vanishes mid-batch, before answering
            self.drop_at_message = None
            return "421 gone"
        message = message_from_bytes(envelope.content)
        self.offered.append(message)
        reply = self.data_replies.pop(0) if self.data_replies else self.always_data_reply
        if reply is not None:
            return reply
        self.received.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_runtime(make_app, settings, port: int, **smtp: str) -> Any:
    """A runtime whose outbox goes to 127.0.0.1:port, with `smtp` as more TRACIQO_SMTP_* values."""
    values = {"host": "127.0.0.1", "port": str(port), "from": "Acme Warranty <warranty@acme.test>", **smtp}
    return make_app(settings.with_changes(smtp=values)).state.runtime


def queue(rt, *subjects: str, to: str = "jane@example.com", workspace_id: int = 1) -> None:
    """Queue one message per subject, due now."""
    def put(ctx):
        ctx.principal = Principal.system(workspace_id, False)
        queue_emails(ctx, to, [(subject, f"Body of {subject}", "test", None) for subject in subjects])
    call(rt, put)


def send(rt) -> int:
    """One run of the scheduled job's work, as the job runs it: no transaction around it."""
    ctx = context(rt)
    return rt.run_in_transaction(ctx, lambda: send_due(ctx), transaction=False)


def by_subject() -> dict[str, EmailMessage]:
    return {message.subject: message for message in EmailMessage.select()}


def make_due() -> None:
    """Move the clock past every scheduled retry (rather than wait for it)."""
    EmailMessage.update(send_after=dt.datetime(2000, 1, 1)).where(EmailMessage.status == "queued").execute()
