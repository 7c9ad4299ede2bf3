"""The production shape on one PostgreSQL and one Redis: two web processes of two uvicorn workers
each and two RQ workers, all real processes. Spread over them, concurrent calls never pass a
plan limit; a key's rate limit holds within the README's tolerance (what arrives within 100 ms
across processes); and every event reaches its endpoint at least once, under the same id,
while a worker is SIGKILLed and Redis restarts empty."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import PG_URL, quoted
from tests.support.processes import SCRIPT, command_env, stop, wait_until
from tests.support.receiver import receiver
from tests.support.redis_server import REDIS_SERVER, RedisServer
from traciqo_rpc import wiring

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_SERVER),
                                reason="needs TRACIQO_TEST_DATABASE_URL and redis-server (CI has both)")
METHOD = "/api/method/"


@dataclass
class Cluster:
    ports: list[int]
    workers: list[subprocess.Popen]
    env: dict[str, str]
    redis: RedisServer

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n % len(self.ports)]}"

    def workspace(self, name: str, plan: str) -> dict[str, str]:
        made = json.loads(subprocess.run([SCRIPT, "workspace", "create", "--name", name, "--plan", plan, "--json"],
                                         env=self.env, capture_output=True, text=True, check=True, timeout=60).stdout)
        return {"X-Traciqo-API-Key": made["live"]["api_key"], "X-Traciqo-API-Secret": made["live"]["api_secret"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def empty_database() -> None:
    import psycopg

    tables = [model._meta.table_name for model in wiring.load().models]
    with psycopg.connect(PG_URL, autocommit=True) as connection:
        connection.execute(f"TRUNCATE {', '.join(map(quoted, tables))} RESTART IDENTITY CASCADE")


def answers(url: str) -> bool:
    try:
        return httpx.get(url + "/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    redis = RedisServer(tmp_path)
    redis.start()
    env = command_env(TRACIQO_DATABASE_URL=PG_URL or "", TRACIQO_REDIS_URL=redis.url, TRACIQO_SECRET_KEY="cluster",
                      TRACIQO_DATA_DIR=str(tmp_path / "data"), TRACIQO_WEBHOOK_ALLOW_CIDRS="127.0.0.0/8",
                      TRACIQO_WEBHOOK_RETRY_SCHEDULE="0,1,1,1,1,1,1,1,1,1", TRACIQO_WEBHOOK_LEASE_SECONDS="3",
                      TRACIQO_LOG_LEVEL="WARNING")
    subprocess.run([SCRIPT, "migrate"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    empty_database()
    subprocess.run([SCRIPT, "fixtures"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=60)
    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen] = []
    with contextlib.ExitStack() as stack:
        for name, command in [(f"web{n}", ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"])
                              for n, port in enumerate(ports)] + [(f"worker{n}", ["worker"]) for n in range(2)]:
            log = stack.enter_context((tmp_path / f"{name}.log").open("wb"))
            processes.append(subprocess.Popen([SCRIPT, *command], cwd=tmp_path, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, start_new_session=True))
        try:
            for port in ports:
                wait_until(lambda port=port: answers(f"http://127.0.0.1:{port}"), 60, "the web processes start")
            yield Cluster(ports, processes[2:], env, redis)
        finally:
            for process in processes:
                stop(process, group=True)
            redis.stop()


def test_concurrent_calls_over_every_process_never_pass_the_plan_limit(cluster):
    headers = cluster.workspace("limited", "starter")  # 1,000 live codes

    def create(n: int) -> int:
        return httpx.post(cluster.url(n) + METHOD + "doctypes.auth_code.api.create_code", headers=headers,
                          json={"batch_name": f"B{n}", "quantity": 30}, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(create, range(50)))
    assert set(statuses) <= {200, 417} and statuses.count(200) == 33, statuses  # 990 codes; a 34th would pass 1,000
    listed = httpx.get(cluster.url(0) + METHOD + "doctypes.auth_code.api.list_codes", headers=headers,
                       params={"limit": 1}, timeout=30).json()["message"]
    assert listed["total"] == 990


def test_a_keys_rate_limit_holds_across_processes_within_the_stated_tolerance(cluster):
    headers = cluster.workspace("paced", "starter")  # 100 requests a minute
    counter, lock, statuses = itertools.count(), threading.Lock(), []

    def client_thread(n: int) -> None:  # 8 clients, one request each every 80 ms: 100 a second in all
        with httpx.Client(base_url=cluster.url(n), timeout=30) as http:
            for _ in range(30):
                started = time.monotonic()
                status = http.get(METHOD + "traciqo_rpc.api.whoami", headers=headers).status_code
                with lock:
                    statuses.append(status)
                    next(counter)
                time.sleep(max(0.0, 0.08 - (time.monotonic() - started)))

    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == 240 and set(statuses) <= {200, 429}
    # At 100 requests a second, 100 ms of arrivals is 10 requests; twice that for the processes' timing.
    assert 95 <= statuses.count(200) <= 100 + 20, statuses.count(200)


def test_every_event_arrives_while_a_worker_is_killed_and_redis_restarts(cluster):
    headers = cluster.workspace("hooked", "enterprise")
    with receiver() as inbox:
        made = httpx.post(cluster.url(0) + METHOD + "doctypes.webhook.api.create_webhook", headers=headers,
                          json={"url": inbox.url, "events": ["Code Created"]}, timeout=30)
        assert made.status_code == 200, made.text

        def create(n: int) -> None:
            response = httpx.post(cluster.url(n) + METHOD + "doctypes.auth_code.api.create_code", headers=headers,
                                  json={"batch_name": f"E{n}"}, timeout=60)
            assert response.status_code == 200, response.text

        for n in range(10):
            create(n)
        os.killpg(cluster.workers[0].pid, signal.SIGKILL)  # the worker and the job it was running
        for n in range(10, 20):
            create(n)
        cluster.redis.stop()  # as a crash: its queue is gone
        for n in range(20, 25):
            create(n)  # answered while Redis is away; the outbox keeps their events
        cluster.redis.start()
        for n in range(25, 30):
            create(n)
        ids = lambda: {request.headers["webhook-id"] for request in list(inbox.requests)}  # noqa: E731
        wait_until(lambda: len(ids()) == 30, 120, "every event reaches the endpoint")
        batches = {json.loads(request.body)["data"]["batch"] for request in list(inbox.requests)}
        assert batches == {f"E{n}" for n in range(30)}
        by_id: dict[str, set[bytes]] = {}
        for request in list(inbox.requests):  # a repeated delivery is the same event under the same id
            by_id.setdefault(request.headers["webhook-id"], set()).add(request.body)
        assert all(len(bodies) == 1 for bodies in by_id.values())
    assert cluster.workers[1].poll() is None  # the other worker went on through all of it
