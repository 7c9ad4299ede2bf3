"""Sent and failed emails are deleted after their retention, in short batches; queued ones stay."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.email import jobs, retention
from doctypes.email.model import EmailMessage
from tests.doctypes.email.support import queue
from tests.support.helpers import context
from traciqo_rpc import db
from traciqo_rpc.db import utcnow


def age(subject_prefix: str, status: str, days: float) -> None:
    """Make the messages whose subject starts with the prefix `status`, last due `days` ago
    (and, if sent, sent then)."""
    when = utcnow() - dt.timedelta(days=days)
    EmailMessage.update(status=status, send_after=when, sent_at=when if status == "sent" else None).where(
        EmailMessage.subject.startswith(subject_prefix)).execute()


def subjects() -> list[str]:
    return sorted(m.subject for m in EmailMessage.select())


def prune(rt) -> int:
    ctx = context(rt)
    return rt.run_in_transaction(ctx, lambda: jobs.prune_emails(ctx), transaction=False)


def test_defaults_keep_sent_30_days_failed_90_and_queued_for_ever(rt):
    queue(rt, "sent-old", "sent-new", "failed-old", "failed-new", "queued-old")
    age("sent-old", "sent", 31)
    age("sent-new", "sent", 29)
    age("failed-old", "failed", 91)
    age("failed-new", "failed", 60)
    age("queued-old", "queued", 400)
    assert prune(rt) == 2
    assert subjects() == ["failed-new", "queued-old", "sent-new"]


def test_a_message_due_long_ago_but_sent_lately_stays(rt):
    queue(rt, "late")
    EmailMessage.update(status="sent", send_after=utcnow() - dt.timedelta(days=60), sent_at=utcnow()).execute()
    assert prune(rt) == 0 and subjects() == ["late"]


def test_zero_keeps_for_ever(make_app, settings):
    rt = make_app(settings.with_changes(retain_sent_emails_days=0, retain_failed_emails_days=0)).state.runtime
    queue(rt, "sent", "failed")
    age("sent", "sent", 3000)
    age("failed", "failed", 3000)
    assert prune(rt) == 0 and subjects() == ["failed", "sent"]


def test_a_backlog_goes_in_bounded_batches(make_app, settings, monkeypatch):
    rt = make_app(settings.with_changes(retain_failed_emails_days=0)).state.runtime  # sent ones only
    queue(rt, *[f"sent-{n:02}" for n in range(7)])
    age("sent", "sent", 100)
    monkeypatch.setattr(retention, "DELETE_BATCH", 2)
    monkeypatch.setattr(retention, "MAX_BATCHES", 3)
    statements = []
    original = EmailMessage.delete

    def counted_delete(*args, **kwargs):
        statements.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(EmailMessage, "delete", counted_delete)
    assert prune(rt) == 6 and len(statements) == 3  # three statements of two, then the run stops
    assert prune(rt) == 1 and len(statements) == 4  # the next run takes the rest
    assert subjects() == []


def test_the_sent_and_failed_deletes_use_the_status_index(rt):
    if not db.is_sqlite():
        pytest.skip("the plan of a tiny PostgreSQL table is a sequential scan whatever the indexes")
    before = utcnow()
    sent = (EmailMessage.status == "sent") & (EmailMessage.send_after < before) & (EmailMessage.sent_at < before)
    sql, params = EmailMessage.select(EmailMessage.id).where(sent).limit(5000).sql()
    plan = " ".join(str(row) for row in rt.database.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "USING INDEX" in plan and "status=? AND send_after<?" in plan, plan
