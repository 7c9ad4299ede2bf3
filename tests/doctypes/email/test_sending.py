"""The outbox is sent to a real (local) SMTP server when TRACIQO_SMTP_* is set."""

from __future__ import annotations

import socket

import pytest

from doctypes.email.model import EmailMessage
from doctypes.email.service import queue_emails, send_due
from tests.support.helpers import call
from traciqo_rpc.principal import Principal

controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_due_mail_is_sent_and_later_mail_waits(make_app, settings, smtp_server):
    inbox, port = smtp_server
    app = make_app(settings.with_changes(smtp={"host": "127.0.0.1", "port": str(port), "from": "warranty@acme.test"}))
    rt = app.state.runtime

    def queue(ctx):
        ctx.principal = Principal.system(1, False)
        later = __import__("datetime").datetime(2999, 1, 1)
        queue_emails(ctx, "jane@example.com", [("Now", "Hello", "test", None), ("Later", "Hello", "test", later)])

    call(rt, queue)
    assert call(rt, lambda ctx: send_due(ctx)) == 1
    assert len(inbox.messages) == 1
    sender, recipients, content = inbox.messages[0]
    assert sender == "warranty@acme.test" and recipients == ["jane@example.com"] and b"Subject: Now" in content
    statuses = {m.subject: m.status for m in EmailMessage.select()}
    assert statuses == {"Now": "sent", "Later": "queued"}


def test_without_smtp_mail_stays_in_the_outbox(rt):
    def queue(ctx):
        ctx.principal = Principal.system(1, False)
        queue_emails(ctx, "jane@example.com", [("Now", "Hello", "test", None)])

    call(rt, queue)
    assert call(rt, lambda ctx: send_due(ctx)) == 0
    assert EmailMessage.get().status == "queued"
