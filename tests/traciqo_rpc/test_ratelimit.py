"""Rate limits: per key, per plan, 429 with Retry-After and X-RateLimit-* headers."""

from __future__ import annotations

import pytest

from doctypes.plan.model import Plan
from tests.support.helpers import call, key_headers
from traciqo_rpc.ratelimit import RateLimiter

WHOAMI = "/api/method/traciqo_rpc.api.whoami"


@pytest.fixture
def tiny_plan(rt):
    call(rt, lambda ctx: Plan.create(name="tiny", title="Tiny", api_access=True, code_limit=10, rate_limit_per_minute=3))
    return "tiny"


def test_limit_is_enforced_per_key(client, make_workspace, tiny_plan):
    keys = make_workspace("limited", plan=tiny_plan)
    statuses = [client.get(WHOAMI, headers=key_headers(keys)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get(WHOAMI, headers=key_headers(keys))
    assert refused.status_code == 429
    body = refused.json()
    assert (body["exc_type"], body["error_code"]) == ("RateLimitExceeded", "rate_limit")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-ratelimit-limit"] == "3"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    assert int(refused.headers["x-ratelimit-reset"]) > 0
    # The other environment's key has its own window; so has another workspace.
    assert client.get(WHOAMI, headers=key_headers(keys, "sandbox")).status_code == 200
    other = make_workspace("unlimited", plan="pro")
    assert client.get(WHOAMI, headers=key_headers(other)).status_code == 200


def test_default_plan_limit_is_100(rt):
    assert Plan.get_by_id("starter").rate_limit_per_minute == 100


def test_sliding_window_decisions():
    limiter = RateLimiter(window=60)
    start = 6000.0  # a window boundary
    assert limiter.decide([3, None], limit=3, now=start + 1).allowed
    assert not limiter.decide([4, None], limit=3, now=start + 1).allowed
    # Half way through the next window, half of the previous window still counts.
    half = limiter.decide([1, b"4"], limit=3, now=start + 30)
    assert half.allowed and half.remaining == 0
    refused = limiter.decide([2, b"4"], limit=3, now=start + 30)
    assert not refused.allowed
    assert refused.retry_after == 15  # until 4 * weight + 2 <= 3
    assert refused.reset_at == 6060


def test_counters_are_shared_between_processes():
    """Two SyncedCounters on one Redis behave as two web processes."""
    import fakeredis

    from traciqo_rpc.ratelimit import LocalCounters, SyncedCounters

    server = fakeredis.FakeServer()
    first, second = (SyncedCounters(fakeredis.FakeRedis(server=server)) for _ in range(2))
    for _ in range(3):
        first.hit(7, 6001.0)
    assert second.hit(7, 6002.0)[1] == [1, 0]  # not synced yet: only its own request
    first.sync()
    second.sync()
    assert second.hit(7, 6003.0)[1] == [5, 0]  # 3 from the first process + 2 of its own
    first.sync()  # sees the second's first request, not yet its second
    assert first.hit(7, 6004.0)[1] == [5, 0]
    second.sync()
    first.sync()
    assert first.hit(7, 6005.0)[1] == [7, 0]
    assert first.hit(7, 6061.0)[1][1] == 7  # the next minute weighs the previous window
    assert LocalCounters().hit(7, 6001.0, with_generation=True) == (0, [1, 0])


def test_credential_changes_reach_other_processes():
    import fakeredis

    from tests.support.helpers import wait_for
    from traciqo_rpc.ratelimit import SyncedCounters

    server = fakeredis.FakeServer()
    first, second = (SyncedCounters(fakeredis.FakeRedis(server=server), interval=0.05) for _ in range(2))
    second.start()
    try:
        wait_for(lambda: server.connected and second.connection.pubsub_numsub("traciqo:auth:invalidate")[0][1] == 1)
        first.bump_generation()
        wait_for(lambda: second.generation() == 1, timeout=5)
    finally:
        second.stop()
