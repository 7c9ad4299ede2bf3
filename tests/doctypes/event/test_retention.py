"""The outbox's retention: finished deliveries go past their keeping time with their attempts,
an event with the last of its deliveries, and nothing still to be sent ever goes."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.event import retention
from doctypes.event.jobs import prune_events
from doctypes.event.model import Event
from doctypes.event.service import new_event_id
from doctypes.webhook.delivery import new_delivery_id
from doctypes.webhook.model import FAILED, PENDING, SUCCEEDED, Delivery, DeliveryAttempt
from tests.support.helpers import context, key_headers
from tests.support.receiver import receiver
from traciqo_rpc import db
from traciqo_rpc.registry import job_runs_in_transaction

NOW = db.utcnow()
DELIVERED_DAYS, FAILED_DAYS = 30, 90


@pytest.fixture
def app(make_app):
    """No scheduled jobs: the embedded worker would run this module's pruning on its own, racing the test."""
    return make_app(scheduled_jobs={})


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def make_event(*deliveries: tuple[str, float], scope: tuple[int, bool] = (1, False), age: float | None = None) -> str:
    """An event with a delivery per (status, days since it finished; for a pending one, days since
    it was made), each with two attempts, as the delivery code leaves them."""
    age = age if age is not None else max(days for _, days in deliveries)
    event_id = new_event_id()
    Event.create(id=event_id, workspace_id=scope[0], is_sandbox=scope[1], name="Code Created", body=b"{}",
                 created_at=days_ago(age))
    for status, days in deliveries:
        finished = days_ago(days)
        delivery_id = new_delivery_id()
        Delivery.create(
            id=delivery_id, workspace_id=scope[0], is_sandbox=scope[1], event_id=event_id, event_name="Code Created",
            endpoint_id="whk_test", status=status, attempts=2, created_at=days_ago(age),
            # A pending one waits for its retry (the sweeper leaves it alone); a finished one was last due as it ran.
            next_attempt_at=NOW + dt.timedelta(hours=1) if status == PENDING else finished,
            completed_at=None if status == PENDING else finished)
        for number in (1, 2):
            DeliveryAttempt.create(delivery_id=delivery_id, number=number, started_at=finished, duration_ms=1.0)
    return event_id


def prune(**limits) -> int:
    return retention.prune(NOW, DELIVERED_DAYS, FAILED_DAYS, pause=0, **limits)


def events() -> set[str]:
    return set(Event.select(Event.id).scalars())


def deliveries_of(event_id: str) -> list[str]:
    return sorted(Delivery.select(Delivery.status).where(Delivery.event_id == event_id).scalars())


def orphan_attempts() -> int:
    return DeliveryAttempt.select().where(DeliveryAttempt.delivery_id.not_in(Delivery.select(Delivery.id))).count()


def test_delivered_events_go_after_their_keeping_time_with_deliveries_and_attempts(rt):
    old = make_event((SUCCEEDED, 31), (SUCCEEDED, 30.5))
    recent = make_event((SUCCEEDED, 29))
    assert prune() == 2 + 4 + 1  # two deliveries, their four attempts, the event
    assert events() == {recent} and deliveries_of(old) == [] and orphan_attempts() == 0
    assert DeliveryAttempt.select().count() == 2 and prune() == 0


def test_failed_deliveries_are_kept_longer(rt):
    young = make_event((FAILED, 89))
    old = make_event((FAILED, 91))
    prune()
    assert events() == {young} and deliveries_of(old) == [] and deliveries_of(young) == [FAILED]


def test_an_event_still_being_delivered_is_never_deleted(rt):
    waiting = make_event((SUCCEEDED, 200), (PENDING, 200))  # a retry to come
    sending = make_event((SUCCEEDED, 200), (PENDING, 200))
    Delivery.update(leased_until=NOW + dt.timedelta(seconds=30), next_attempt_at=days_ago(1)).where(
        (Delivery.event_id == sending) & (Delivery.status == PENDING)).execute()  # a worker is sending it
    prune()
    assert events() == {waiting, sending}
    assert deliveries_of(waiting) == [PENDING] and deliveries_of(sending) == [PENDING]


def test_an_event_goes_with_the_last_of_its_deliveries(rt):
    event = make_event((SUCCEEDED, 40), (FAILED, 40))
    prune()
    assert events() == {event} and deliveries_of(event) == [FAILED]  # the failed one may be redelivered
    retention.prune(NOW + dt.timedelta(days=51), DELIVERED_DAYS, FAILED_DAYS, pause=0)
    assert events() == set() and orphan_attempts() == 0


def test_a_redelivered_delivery_stays(rt):
    """Between the read that finds a delivery and the delete, a redelivery may make it pending."""
    event = make_event((FAILED, 100))
    [found] = retention._finished(FAILED, days_ago(FAILED_DAYS), 10)
    Delivery.update(status=PENDING, completed_at=None, next_attempt_at=NOW).where(Delivery.id == found).execute()
    with db.transaction():
        assert retention._delete(FAILED, days_ago(FAILED_DAYS), [found]) == 0
    assert events() == {event} and deliveries_of(event) == [PENDING] and DeliveryAttempt.select().count() == 2


def test_zero_days_keeps_forever(rt):
    delivered, failed = make_event((SUCCEEDED, 3000)), make_event((FAILED, 3000))
    assert retention.prune(NOW, 0, FAILED_DAYS, pause=0) > 0
    assert events() == {delivered}
    assert retention.prune(NOW, DELIVERED_DAYS, 0, pause=0) > 0 and events() == set()
    failed = make_event((FAILED, 3000))
    assert retention.prune(NOW, 0, 0, pause=0) == 0 and events() == {failed}


def test_every_workspace_and_environment_loses_only_what_is_past_its_time(rt):
    scopes = [(1, False), (1, True), (2, False), (2, True)]
    kept = {}
    for scope in scopes:
        make_event((SUCCEEDED, 31), scope=scope)
        make_event((FAILED, 91), scope=scope)
        kept[scope] = {make_event((SUCCEEDED, 1), scope=scope), make_event((FAILED, 31), scope=scope),
                       make_event((PENDING, 120), scope=scope)}
    prune()
    for scope in scopes:
        left = Event.select(Event.id).where((Event.workspace_id == scope[0]) & (Event.is_sandbox == scope[1]))
        assert set(left.scalars()) == kept[scope], scope
    assert orphan_attempts() == 0


def test_a_run_deletes_in_bounded_batches_and_the_next_carries_on(rt):
    old = [make_event((SUCCEEDED, 40 + n)) for n in range(10)]
    assert prune(batch_rows=3, max_batches=2) == 6 * (1 + 2 + 1)
    assert len(events()) == 4
    assert prune(batch_rows=3, max_batches=5) == 4 * (1 + 2 + 1)  # ends on the short batch
    assert events() == set() and len(old) == 10


def test_the_deliveries_are_found_through_the_sweepers_index(rt):
    """No new index: finished deliveries are a range of (status, next_attempt_at)."""
    from doctypes.webhook.queries import FINISHED_BEFORE

    params = (SUCCEEDED, NOW, NOW, 10)
    if db.is_sqlite():
        plan = " ".join(str(row) for row in db.execute("EXPLAIN QUERY PLAN " + FINISHED_BEFORE.sql, params))
        assert "USING INDEX delivery_status_next_attempt_at (status=? AND next_attempt_at<?)" in plan
        return
    with db.transaction():  # a near-empty table is read whole unless that is ruled out
        db.execute("SET LOCAL enable_seqscan = off")
        plan = " ".join(row[0] for row in db.execute("EXPLAIN " + FINISHED_BEFORE.sql, params).fetchall())
    assert "Index Cond: (((status)::text = " in plan and "delivery_status_next_attempt_at" in plan


def run(rt, job):
    """A job as the worker runs it: in a transaction only if it asks for one."""
    ctx = context(rt)
    return rt.run_in_transaction(ctx, lambda: job(ctx), transaction=job_runs_in_transaction(job))


def test_the_scheduled_job_prunes_what_the_webhooks_delivered(rt, client, workspace):
    from tests.doctypes.webhook.test_delivery import pump

    headers = key_headers(workspace)
    with receiver() as inbox:
        created = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                              json={"url": inbox.url, "events": ["Code Created"]})
        assert created.status_code == 200, created.text
        client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": "B1"}, headers=headers)
        pump(rt, lambda: Delivery.select().where(Delivery.status == SUCCEEDED).count() == 1)
    assert run(rt, prune_events) == 0  # delivered just now
    month = dt.timedelta(days=DELIVERED_DAYS + 1)
    for event in Event.select():
        Event.update(created_at=event.created_at - month).where(Event.id == event.id).execute()
    for delivery in Delivery.select():
        Delivery.update(created_at=delivery.created_at - month, next_attempt_at=delivery.next_attempt_at - month,
                        completed_at=delivery.completed_at - month).where(Delivery.id == delivery.id).execute()
    assert run(rt, prune_events) == 3  # the event, its delivery, its attempt
    assert Event.select().count() == Delivery.select().count() == DeliveryAttempt.select().count() == 0
