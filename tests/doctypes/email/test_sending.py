"""The outbox is sent to a real (local) SMTP server when TRACIQO_SMTP_* is set."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

from doctypes.email.model import EmailMessage
from doctypes.email.service import queue_emails
from tests.doctypes.email.support import by_subject, queue, send, smtp_runtime
from tests.support.helpers import call
from traciqo_rpc.principal import Principal


def test_due_mail_is_sent_and_later_mail_waits(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)

    def put(ctx):
        ctx.principal = Principal.system(1, False)
        queue_emails(ctx, "jane@example.com", [("Now", "Hello", "test", None),
                                               ("Later", "Hello", "test", dt.datetime(2999, 1, 1))])

    call(rt, put)
    assert send(rt) == 1
    [mail] = inbox.received
    assert mail["From"] == "Acme Warranty <warranty@acme.test>" and mail["To"] == "jane@example.com"
    assert mail["Subject"] == "Now" and mail.get_payload().strip() == "Hello"
    sent = by_subject()
    assert {subject: m.status for subject, m in sent.items()} == {"Now": "sent", "Later": "queued"}
    assert sent["Now"].attempts == 1 and sent["Now"].sent_at is not None and sent["Now"].error is None
    assert send(rt) == 0  # nothing is sent twice


def test_date_and_message_id(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    queue(rt, "One", "Two")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    assert send(rt) == 2
    dates = [parsedate_to_datetime(mail["Date"]) for mail in inbox.received]
    assert all(date.utcoffset() == dt.timedelta(0) for date in dates)  # UTC, "+0000"
    assert all(before <= date <= dt.datetime.now(dt.timezone.utc) for date in dates)
    ids = [mail["Message-ID"] for mail in inbox.received]
    assert len(set(ids)) == 2 and all(i.startswith("<") and i.endswith("@acme.test>") for i in ids)


def test_without_a_sender_the_base_url_names_it(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings.with_changes(base_url="https://verify.example.com"), port, **{"from": ""})
    queue(rt, "One")
    assert send(rt) == 1
    assert inbox.received[0]["From"] == "no-reply@verify.example.com"
    assert inbox.received[0]["Message-ID"].endswith("@verify.example.com>")


def test_message_id_domain_from_a_sender_without_one(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings.with_changes(base_url="https://verify.example.com"), port,
                      **{"from": "postmaster"})
    queue(rt, "One")
    assert send(rt) == 1
    assert inbox.received[0]["Message-ID"].endswith("@verify.example.com>")


def test_without_smtp_mail_stays_in_the_outbox(rt):
    queue(rt, "Now")
    assert send(rt) == 0
    message = EmailMessage.get()
    assert message.status == "queued" and message.attempts == 0
