"""Failed attempts are retried on TRACIQO_EMAIL_RETRY_SCHEDULE; permanent refusals fail at once;
an unreachable or vanishing server loses nothing and raises nothing into the queue."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest

from doctypes.email import jobs
from doctypes.email.sending import CLAIM_SECONDS, _claim, retry_delay
from tests.doctypes.email.support import by_subject, free_port, make_due, queue, send, smtp_runtime
from tests.support.helpers import context
from traciqo_rpc.db import utcnow


def seconds_until(when: dt.datetime) -> float:
    return (when - utcnow()).total_seconds()


def test_retry_delay_follows_the_schedule():
    schedule = (60, 300, 1800)
    assert [retry_delay(schedule, n) for n in (1, 2, 3, 4)] == [
        dt.timedelta(seconds=60), dt.timedelta(seconds=300), dt.timedelta(seconds=1800), None]
    assert retry_delay((), 1) is None  # an empty schedule: one attempt only


def test_the_default_schedule_outlasts_a_day_of_greylisting(settings):
    from traciqo_rpc.settings import Settings

    schedule = Settings().email_retry_schedule
    assert schedule[0] <= 300 and sum(schedule) > 24 * 3600


@pytest.mark.parametrize("where", ["data", "rcpt"])
def test_greylisting_451_is_retried_after_the_first_delay_then_sent(make_app, settings, smtp_server, where):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    if where == "data":
        inbox.data_replies = ["451 4.7.1 Greylisted, please try again later"]
    else:
        inbox.rcpt_replies = {"jane@example.com": "451 4.7.1 Greylisted, please try again later"}
    queue(rt, "Welcome")

    assert send(rt) == 0
    message = by_subject()["Welcome"]
    assert message.status == "queued" and message.attempts == 1
    assert message.error.startswith("451") or message.error.startswith("jane@example.com: 451")
    assert 55 <= seconds_until(message.send_after) <= 61  # the schedule's first delay (60 s)
    assert send(rt) == 0 and not inbox.received  # not due yet: nothing is tried

    inbox.rcpt_replies = {}
    make_due()
    assert send(rt) == 1
    message = by_subject()["Welcome"]
    assert message.status == "sent" and message.attempts == 2 and message.error is None
    [mail] = inbox.received
    if where == "data":  # the refused copy and the accepted one are the same message
        assert [m["Message-ID"] for m in inbox.offered] == [mail["Message-ID"]] * 2


def test_a_mailbox_refused_with_550_fails_at_once_and_the_batch_goes_on(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    inbox.rcpt_replies = {"gone@example.com": "550 5.1.1 No such mailbox"}
    queue(rt, "Lost", to="gone@example.com")
    queue(rt, "Fine", to="jane@example.com")

    assert send(rt) == 1
    messages = by_subject()
    assert messages["Lost"].status == "failed" and messages["Lost"].attempts == 1
    assert messages["Lost"].error == "gone@example.com: 550 5.1.1 No such mailbox"
    assert messages["Fine"].status == "sent"
    assert [mail["Subject"] for mail in inbox.received] == ["Fine"]


def test_content_refused_with_554_fails_at_once(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    inbox.data_replies = ["554 5.7.1 Message rejected as spam"]
    queue(rt, "Spammy")
    assert send(rt) == 0
    message = by_subject()["Spammy"]
    assert message.status == "failed" and message.error == "554 5.7.1 Message rejected as spam"


def test_after_the_schedule_the_message_fails_with_its_last_error(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings.with_changes(email_retry_schedule=(60, 300)), port)
    inbox.always_data_reply = "451 4.3.0 Try again later"
    queue(rt, "Welcome")

    delays = []
    for _ in range(3):
        assert send(rt) == 0
        message = by_subject()["Welcome"]
        delays.append(round(seconds_until(message.send_after), -1) if message.status == "queued" else None)
        make_due()
    assert delays == [60, 300, None]
    message = by_subject()["Welcome"]
    assert message.status == "failed" and message.attempts == 3 and message.error == "451 4.3.0 Try again later"
    assert len(inbox.offered) == 3 and send(rt) == 0 and len(inbox.offered) == 3


def test_an_unreachable_server_reschedules_the_whole_batch(make_app, settings):
    rt = smtp_runtime(make_app, settings, free_port())  # nothing listens there
    queue(rt, "One", "Two", "Three")
    ctx = context(rt)
    # The scheduled job itself, as the worker runs it: it returns, it does not raise into RQ.
    assert rt.run_in_transaction(ctx, lambda: jobs.send_due_emails(ctx), transaction=False) == 0
    for message in by_subject().values():
        assert message.status == "queued" and message.attempts == 1
        assert message.error.startswith("connecting: ConnectionRefusedError")
        assert 55 <= seconds_until(message.send_after) <= 61


def test_a_server_that_hangs_up_at_once_reschedules_the_batch(make_app, settings):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        rt = smtp_runtime(make_app, settings, listener.getsockname()[1])

        def hang_up() -> None:
            for _ in range(2):
                connection, _ = listener.accept()
                connection.close()

        closer = threading.Thread(target=hang_up, daemon=True)
        closer.start()
        queue(rt, "One", "Two")
        assert send(rt) == 0
        make_due()
        assert send(rt) == 0
        closer.join(timeout=10)
    for message in by_subject().values():
        assert message.status == "queued" and message.attempts == 2
        assert message.error.startswith("connecting: SMTPServerDisconnected")
        assert 295 <= seconds_until(message.send_after) <= 301  # the second delay: attempts count


def test_a_connection_dropped_mid_batch_keeps_what_went_and_reschedules_the_rest(make_app, settings, smtp_server):
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    inbox.drop_at_message = 1
    queue(rt, "One", "Two", "Three")

    assert send(rt) == 1
    messages = by_subject()
    assert messages["One"].status == "sent"
    for subject in ("Two", "Three"):
        assert messages[subject].status == "queued" and messages[subject].attempts == 1
        assert messages[subject].error.startswith("connection lost: SMTPServerDisconnected")

    make_due()
    assert send(rt) == 2
    assert sorted(mail["Subject"] for mail in inbox.received) == ["One", "Three", "Two"]
    assert {m.status for m in by_subject().values()} == {"sent"}


def test_a_claimed_message_is_not_sent_by_a_second_run(make_app, settings, smtp_server):
    """A run that outlasts the job's interval (or whose worker was killed) keeps its claim."""
    inbox, port = smtp_server
    rt = smtp_runtime(make_app, settings, port)
    queue(rt, "Once")
    ctx = context(rt)
    [(claimed, _)] = rt.run_in_transaction(ctx, lambda: _claim(ctx, 10), transaction=False)
    assert claimed.attempts == 1
    assert send(rt) == 0 and not inbox.offered  # another run finds it taken
    message = by_subject()["Once"]
    assert CLAIM_SECONDS - 5 <= seconds_until(message.send_after) <= CLAIM_SECONDS + 1

    make_due()  # the claim ran out (its worker was killed): the message goes, its attempts counted
    assert send(rt) == 1
    assert by_subject()["Once"].attempts == 2 and len(inbox.received) == 1
