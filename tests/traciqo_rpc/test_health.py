from __future__ import annotations

import secrets

from starlette.testclient import TestClient

from doctypes.workspace.service import create_workspace
from tests.support.helpers import call, key_headers
from traciqo_rpc.app import create_app


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_database_and_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "redis"}


def test_redis_down_means_not_ready_but_still_serving(settings):
    app = create_app(settings.with_changes(redis_url="redis://127.0.0.1:1/0"))
    rt = app.state.runtime
    try:
        rt.migrate()
        rt.load_fixtures()
        keys = call(rt, lambda ctx: create_workspace(ctx, f"no-redis-{secrets.token_hex(4)}", "pro"))
        with TestClient(app) as client:
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["checks"]["redis"].startswith("error")
            assert response.json()["checks"]["database"] == "ok"
            # Authentication and the method still work; rate limits count this process only.
            whoami = client.get("/api/method/traciqo_rpc.api.whoami", headers=key_headers(keys))
            assert whoami.status_code == 200
            assert whoami.headers["x-ratelimit-remaining"] == "299"
    finally:
        rt.close()
