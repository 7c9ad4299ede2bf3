"""TRACIQO_DATABASE_POOL_SIZE: one process's PostgreSQL connections are capped, its call threads
shrink to fit beside the batch writers, and a burst of calls larger than the pool all succeed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.helpers import key_headers
from tests.support.live_server import live_server
from traciqo_rpc import db
from traciqo_rpc.runtime import POSTGRES_WRITERS, pool_size
from traciqo_rpc.settings import Settings, SettingsError


def test_the_threads_decide_unless_the_pool_is_capped():
    assert pool_size(Settings(threads=16)) == (16 + POSTGRES_WRITERS + 8, 16)  # 28 a process
    assert pool_size(Settings(threads=16, database_pool_size=12)) == (12, 5)
    assert pool_size(Settings(threads=16, database_pool_size=8)) == (8, 1)
    assert pool_size(Settings(threads=4, database_pool_size=40)) == (40, 4)


def test_the_setting_refuses_a_pool_too_small_to_work(monkeypatch):
    monkeypatch.setenv("TRACIQO_DATABASE_POOL_SIZE", "5")
    with pytest.raises(SettingsError, match="TRACIQO_DATABASE_POOL_SIZE: 0 .automatic. or at least 8"):
        Settings.from_env()
    monkeypatch.setenv("TRACIQO_DATABASE_POOL_SIZE", "10")
    assert Settings.from_env().database_pool_size == 10


def test_a_burst_bigger_than_the_pool_is_served_within_it(make_app, settings, make_workspace):
    app = make_app(settings.with_changes(threads=16, database_pool_size=8))
    if db.is_sqlite():
        pytest.skip("a pool of connections is PostgreSQL's")
    headers = key_headers(make_workspace())
    seen: list[int] = []

    import psycopg  # a connection of its own: the pool's are the app's

    watcher = psycopg.connect(settings.database_url, autocommit=True)
    watcher_lock = threading.Lock()

    def connections() -> int:
        with watcher_lock:
            return int(watcher.execute("SELECT count(*) FROM pg_stat_activity"
                                       " WHERE datname = current_database() AND pid != pg_backend_pid()").fetchone()[0])

    with watcher, live_server(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        def create(n: int) -> int:
            if n % 10 == 0:
                seen.append(connections())
            return http.post("/api/method/doctypes.auth_code.api.create_code", headers=headers,
                             json={"batch_name": f"B{n % 3}", "quantity": 2}).status_code

        with ThreadPoolExecutor(max_workers=24) as pool:
            statuses = list(pool.map(create, range(120)))
    assert statuses == [200] * 120
    assert app.state.runtime.executor._max_workers == 1  # 8 - 4 writers - 3 for the rest
    assert 0 < max(seen) <= 8 + 1  # the pool's, and the test's own (made before the app's first call)
