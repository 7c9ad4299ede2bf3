"""`traciqo-rpc worker` outlives Redis: a real redis-server stopped and started again under load.

Nothing is lost: events written while Redis was away, and jobs Redis lost with its queue (it
runs without persistence here), reach their endpoints once it is back."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from doctypes.webhook.model import Delivery
from tests.support.helpers import key_headers
from tests.support.processes import SCRIPT, command_env, stop, wait_until
from tests.support.receiver import receiver


@contextlib.contextmanager
def worker_process(settings, redis_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    log = tmp_path / "worker.log"
    env = command_env(TRACIQO_DATABASE_URL=settings.database_url, TRACIQO_REDIS_URL=redis_url,
                      TRACIQO_DATA_DIR=str(tmp_path / "data"), TRACIQO_WEBHOOK_ALLOW_CIDRS="127.0.0.0/8",
                      TRACIQO_LOG_LEVEL="WARNING", TRACIQO_SECRET_KEY="test-secret-key")
    with log.open("wb") as output:
        worker = subprocess.Popen([SCRIPT, "worker"], cwd=tmp_path, env=env, start_new_session=True,
                                  stdout=output, stderr=subprocess.STDOUT)
    try:
        yield worker, log
    finally:
        stop(worker, group=True)


def test_the_worker_outlives_a_redis_outage(make_app, settings, redis_server, tmp_path):
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(redis_url=redis_server.url))
    from doctypes.workspace.service import create_workspace
    from tests.support.helpers import call

    headers = key_headers(call(app.state.runtime, lambda ctx: create_workspace(ctx, "outage", "enterprise")))
    delivered = lambda: Delivery.select().where(Delivery.status == "succeeded").count()  # noqa: E731

    def create_codes(client: TestClient, count: int, prefix: str) -> None:
        for i in range(count):
            response = client.post("/api/method/doctypes.auth_code.api.create_code", headers=headers,
                                   json={"batch_name": f"{prefix}{i}"})
            assert response.status_code == 200, response.text

    with receiver() as inbox, TestClient(app) as client, worker_process(settings, redis_server.url, tmp_path) as (
            worker, log):
        created = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                              json={"url": inbox.url, "events": ["Code Created"]})
        assert created.status_code == 200, created.text
        time.sleep(6)  # idle longer than the old 5 s socket timeout: no false alarms
        idle = log.read_text()
        assert "Timeout" not in idle and "could not connect" not in idle and "ERROR" not in idle, idle
        create_codes(client, 20, "before")
        wait_until(lambda: delivered() == 20, 30, "the worker delivers")

        # Redis goes while the worker is in the middle of a job (idle, RQ's own wait retries):
        # the end of that job finds no Redis, and RQ's worker gives up.
        inbox.delays = [3.0]
        create_codes(client, 1, "slow")
        wait_until(lambda: len(inbox.requests) == 21, 30, "the slow delivery starts")
        redis_server.stop()
        create_codes(client, 20, "during")  # answered; their jobs cannot be queued
        time.sleep(5)
        assert worker.poll() is None, log.read_text()[-3000:]
        redis_server.start()  # empty: what it held is gone

        wait_until(lambda: delivered() == 41, 90, "every event is delivered after the outage")
        assert worker.poll() is None
        assert len({r.headers["webhook-id"] for r in inbox.requests}) == 41
    output = log.read_text()
    assert "quitting" in output and "Redis is back" in output, output[-3000:]
