"""`traciqo-rpc worker` (the Procfile's worker) runs queued jobs from a real Redis."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from doctypes.api_request_log.model import ApiRequestLog
from tests.support.helpers import call, wait_for
from tests.support.processes import SCRIPT, command_env, stop
from traciqo_rpc.db import utcnow
from traciqo_rpc.jobs import queue, run_job


def test_worker_process_runs_jobs(rt, settings, tmp_path):
    if rt.embedded_queue:
        pytest.skip("needs a real Redis (TRACIQO_TEST_REDIS_URL)")
    old = utcnow() - dt.timedelta(days=200)
    call(rt, lambda ctx: ApiRequestLog.create(
        workspace_id=1, is_sandbox=False, api_key_id=1, method="m", http_method="GET",
        status=200, duration_ms=1.0, request_id="old", created_at=old))
    env = command_env(TRACIQO_DATABASE_URL=settings.database_url, TRACIQO_REDIS_URL=settings.redis_url,
                      TRACIQO_DATA_DIR=str(tmp_path / "data"), TRACIQO_LOG_LEVEL="WARNING")
    worker = subprocess.Popen([SCRIPT, "worker"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        queue(rt.redis).enqueue(run_job, "doctypes.api_request_log.jobs.prune_request_logs", None, "t", [], {})
        wait_for(lambda: ApiRequestLog.select().count() == 0, timeout=30)
    finally:
        stop(worker)
        if worker.stderr:
            worker.stderr.close()



@pytest.mark.parametrize("worker_class", ["ThreadWorker", "ProcessWorker"])
def test_a_worker_that_stops_at_once_does_not_wait_for_its_command_listener(rt, worker_class):
    """RQ's worker joins its pubsub thread at teardown, and that thread waited up to 60 s for a
    subscription a quick run had already dropped: a short burst, or a run Redis cut short, hung
    for a minute (one run in ten of a webhook test). Subscribing and at once unsubscribing is
    that race at its tightest."""
    import time

    from traciqo_rpc import worker

    if rt.embedded_queue:
        pytest.skip("needs a real Redis (TRACIQO_TEST_REDIS_URL)")
    for _ in range(30):
        listening = getattr(worker, worker_class)([queue(rt.redis)], connection=rt.redis)
        started = time.monotonic()
        listening.subscribe()
        listening.unsubscribe()
        assert time.monotonic() - started < 5
