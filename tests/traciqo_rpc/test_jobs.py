"""Jobs: enqueue after commit, dropped on rollback, run by the embedded worker or RQ on real Redis."""

from __future__ import annotations

import time

from tests.support.helpers import call, wait_for, work_queue
from tests.support.methods import JobMark, write_mark
from traciqo_rpc.jobs import PeriodicTicker, enqueue_after_commit, queue

MARK = "/api/method/tests.support.methods.mark_later"


def test_job_runs_after_commit(client, rt):
    assert client.post(MARK, json={"label": "ok"}).json() == {"message": "queued"}
    work_queue(rt)
    wait_for(lambda: JobMark.select().where(JobMark.label == "ok").exists())


def test_rolled_back_request_enqueues_nothing(client, rt):
    assert client.post(MARK, json={"label": "nope", "fail": True}).status_code == 417
    assert client.post(MARK, json={"label": "after"}).status_code == 200
    work_queue(rt)
    wait_for(lambda: JobMark.select().where(JobMark.label == "after").exists())
    assert not JobMark.select().where(JobMark.label == "nope").exists()


def test_enqueue_outside_commit_is_not_sent(rt):
    def enqueue_and_fail(ctx):
        enqueue_after_commit(ctx, write_mark, "never")
        raise RuntimeError("rollback")

    try:
        call(rt, enqueue_and_fail)
    except RuntimeError:
        pass
    rt.enqueuer.submit(lambda: None).result(timeout=10)
    assert queue(rt.redis).count == 0


def test_ticker_fires_once_per_interval(rt):
    ticker = PeriodicTicker(rt.redis, {write_mark: 60})
    other = PeriodicTicker(rt.redis, {write_mark: 60})  # a second worker process
    now = time.time()
    assert ticker.tick(now) == ["tests.support.methods.write_mark"]
    assert other.tick(now) == []
    assert ticker.tick(now + 60) == ["tests.support.methods.write_mark"]


def test_embedded_worker_runs_scheduled_jobs(client, rt):
    if not rt.embedded_queue:
        return
    from traciqo_rpc.jobs import run_job

    queue(rt.redis).enqueue_in(__import__("datetime").timedelta(seconds=1), run_job,
                               "tests.support.methods.write_mark", None, "t", ["later"], {})
    wait_for(lambda: JobMark.select().where(JobMark.label == "later").exists(), timeout=10)
