"""Small helpers shared by tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from traciqo_rpc.context import RequestContext
from traciqo_rpc.runtime import Runtime


def call(rt: Runtime, func: Callable[[RequestContext], Any]) -> Any:
    """Run service code the way the CLI does: one transaction, after-commit actions applied."""
    ctx = context(rt)
    return rt.run_in_transaction(ctx, lambda: func(ctx))


def context(rt: Runtime, **values: Any) -> RequestContext:
    """A request context carrying the runtime's services, as every way code runs gives one."""
    return RequestContext(request_id="test", services=rt.services, **values)


def work_queue(rt: Runtime) -> None:
    """Let after-commit pushes reach the queue; on a real Redis (no worker runs inside the app in
    tests) work it once, as `traciqo-rpc worker` would. The embedded worker needs nothing."""
    from traciqo_rpc.jobs import queue
    from traciqo_rpc.worker import ThreadWorker

    rt.enqueuer.submit(lambda: None).result(timeout=10)  # after-commit pushes happen on this thread
    if not rt.embedded_queue:
        ThreadWorker([queue(rt.redis)], connection=rt.redis).work(burst=True)


def key_headers(keys: dict, environment: str = "live", form: str = "headers") -> dict[str, str]:
    """Credentials for `environment` of a workspace made by make_workspace, in one of its forms."""
    import base64

    pair = keys[environment]
    if form == "headers":
        return {"X-Traciqo-API-Key": pair["api_key"], "X-Traciqo-API-Secret": pair["api_secret"]}
    if form == "token":
        return {"Authorization": f"token {pair['api_key']}:{pair['api_secret']}"}
    if form == "basic":
        raw = base64.b64encode(f"{pair['api_key']}:{pair['api_secret']}".encode()).decode()
        return {"Authorization": f"Basic {raw}"}
    if form == "bearer":
        return {"Authorization": f"Bearer {pair['api_key']}:{pair['api_secret']}"}
    if form == "x-api-key":
        return {"X-API-KEY": f"{pair['api_key']}:{pair['api_secret']}"}
    raise ValueError(form)


UNREACHABLE_ENDPOINT = "http://127.0.0.1:9/traciqo-test"  # nothing listens: deliveries fail, event rows stay


def subscribe(client: Any, headers: dict[str, str], *events: str) -> str:
    """Register a webhook endpoint for `events` (every one when none are named), so that they are
    stored: an event no endpoint subscribes to is not. Returns the endpoint's id."""
    response = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                           json={"url": UNREACHABLE_ENDPOINT, "events": list(events) or ["*"]})
    assert response.status_code == 200, response.text
    return response.json()["message"]["id"]


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll until `predicate()` is truthy (background work); fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def issue_code(client: Any, headers: dict[str, str], batch: str = "B1", **product: Any) -> str:
    """Push a product (name and fields from `product`) and issue one code for it; returns the code."""
    client.post("/api/method/doctypes.product.api.upsert_product", json=product, headers=headers)
    response = client.post("/api/method/doctypes.auth_code.api.create_code",
                           json={"batch_name": batch, "product_id": "PRD-00001"}, headers=headers)
    return response.json()["message"]["codes"][0]


def deliver_until(rt: Runtime, done: Callable[[], Any], timeout: float = 15.0) -> None:
    """Run background work until `done()`: the embedded worker sends by itself; with a real Redis
    (no worker runs in tests) sweep and work the queue here, as `traciqo-rpc worker` would."""
    from doctypes.webhook.jobs import sweep_webhooks

    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "the deliveries did not arrive in time"
        if not rt.embedded_queue:
            call(rt, sweep_webhooks)
            work_queue(rt)
        time.sleep(0.1)
