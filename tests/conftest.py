"""Fixtures: every test runs on real SQLite with the embedded queue; with
TRACIQO_TEST_DATABASE_URL / TRACIQO_TEST_REDIS_URL set, it runs again on PostgreSQL / Redis."""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

import hooks as project_hooks
from tests.support.helpers import call
from traciqo_rpc import db
from traciqo_rpc.app import create_app
from traciqo_rpc.runtime import Runtime
from traciqo_rpc.settings import Settings

# Browser fixtures (browser, open_page, site) for the public pages' tests; a private
# redis-server a test may stop and start (redis_server).
pytest_plugins = ["tests.support.browser", "tests.support.redis_server"]

PG_URL = os.environ.get("TRACIQO_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TRACIQO_TEST_REDIS_URL")

BACKENDS = ["sqlite+embedded"]
if PG_URL or REDIS_URL:
    BACKENDS.append(f"{'postgres' if PG_URL else 'sqlite'}+{'redis' if REDIS_URL else 'embedded'}")


def hooks_with_test_methods(**overrides: Any) -> types.SimpleNamespace:
    """The project's hooks plus the test-only methods module."""
    values = {k: v for k, v in vars(project_hooks).items() if not k.startswith("__")}
    values["method_modules"] = [*project_hooks.method_modules, "tests.support.methods"]
    values.update(overrides)
    return types.SimpleNamespace(**values)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(backend: str, tmp_path) -> Settings:
    database, queue = backend.split("+")
    return Settings(
        database_url=PG_URL if database == "postgres" else f"sqlite:///{tmp_path / 'test.db'}",
        redis_url=REDIS_URL if queue == "redis" else None,
        secret_key="test-secret-key",
        base_url="http://testserver",
        data_dir=tmp_path / "data",
        threads=8,
        webhook_allow_cidrs=("127.0.0.0/8",),
        webhook_retry_schedule=(0, 1, 1),
    )


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _reset_backends(rt: Runtime) -> None:
    """Fresh state per test: empty tables on PostgreSQL, an empty Redis database."""
    if not rt.embedded_queue:
        rt.redis.flushdb()
    if not db.is_sqlite():
        tables = [m._meta.table_name for m in rt.wiring.models]
        rt.database.execute_sql(f"TRUNCATE {', '.join(map(quoted, tables))} RESTART IDENTITY CASCADE")


@pytest.fixture
def make_app(settings: Settings) -> Iterator[Callable[..., Any]]:
    apps = []

    def build(settings_override: Settings | None = None, **hook_overrides: Any):
        app = create_app(settings_override or settings, hooks=hooks_with_test_methods(**hook_overrides))
        rt = app.state.runtime
        rt.migrate()
        _reset_backends(rt)
        rt.load_fixtures()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.runtime.close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def rt(app) -> Runtime:
    return app.state.runtime


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_workspace(rt: Runtime) -> Callable[..., dict]:
    from doctypes.workspace.service import create_workspace

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, plan: str = "pro") -> dict:
        return call(rt, lambda ctx: create_workspace(ctx, name or f"ws-{next(counter)}", plan))

    return make


@pytest.fixture
def workspace(make_workspace) -> dict:
    return make_workspace("acme")
