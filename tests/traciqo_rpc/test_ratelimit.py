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


def test_local_and_redis_counters_agree():
    import fakeredis

    from traciqo_rpc.ratelimit import LocalCounters, RedisCounters

    for counters in (LocalCounters(), RedisCounters(fakeredis.FakeRedis())):
        generation, window = counters.hit(7, 6001.0, with_generation=True)
        assert (generation, int(window[0]), int(window[1] or 0)) == (0, 1, 0)
        assert int(counters.hit(7, 6002.0)[1][0]) == 2
        assert counters.hit(8, 6002.0)[1][0] == 1  # another key, another window
        assert int(counters.hit(7, 6061.0)[1][1]) == 2  # the next minute sees the previous window
        counters.bump_generation()
        assert counters.generation() == 1
