"""ip_ban: 20 failed authentications from an address within 10 minutes refuse it for 15 (403
`ip_ban`) on every door (methods, resources, REST routes, Racko's /v2/, the sign-in), shared
between processes through Redis, bounded in memory, and still working while Redis is down."""

from __future__ import annotations

import os

import fakeredis
import pytest
import redis
from starlette.testclient import TestClient

from tests.support.helpers import key_headers
from traciqo_rpc import ip_ban
from traciqo_rpc.ip_ban import LocalBans, SyncedBans, network

MESSAGE = "Network activity issues have been detected. Access from the same network may be restricted."
BAD = {"X-Traciqo-API-Key": "tq_live_nope", "X-Traciqo-API-Secret": "nope"}
WHOAMI = "/api/method/traciqo_rpc.api.whoami"


def fail(client: TestClient, times: int = 20) -> None:
    for _ in range(times):
        assert client.get(WHOAMI, headers=BAD).status_code == 401


# -- The rule ------------------------------------------------------------------------------------

def test_the_twentieth_failure_within_the_window_bans_for_the_ban_time():
    bans = LocalBans(failures=20, window=600, seconds=900)
    for second in range(19):
        bans.failed("203.0.113.7", now=1000 + second)
    assert not bans.banned("203.0.113.7", now=1019)
    bans.failed("203.0.113.7", now=1019)
    assert bans.banned("203.0.113.7", now=1019) and bans.banned("203.0.113.7", now=1019 + 899)
    assert not bans.banned("203.0.113.7", now=1019 + 901)  # over: counting starts afresh
    bans.failed("203.0.113.7", now=1019 + 902)
    assert not bans.banned("203.0.113.7", now=1019 + 903)
    assert not bans.banned("203.0.113.8", now=1019)  # its neighbour is another address


def test_failures_spread_wider_than_the_window_never_ban():
    bans = LocalBans(failures=20, window=600, seconds=900)
    for minute in range(60):
        bans.failed("203.0.113.7", now=minute * 40)  # 15 per 10 minutes
        assert not bans.banned("203.0.113.7", now=minute * 40)


def test_an_ipv6_client_counts_by_its_64():
    assert network("2001:db8:1:2:aaaa::1") == network("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert network("2001:db8:1:3::1") != network("2001:db8:1:2::1")
    assert network("::ffff:198.51.100.4") == "198.51.100.4" and network("testclient") == "testclient"
    bans = LocalBans(failures=3, window=60, seconds=60)
    for host in ("2001:db8::1", "2001:db8::2", "2001:db8::3"):
        bans.failed(host, now=0)
    assert bans.banned("2001:db8::ffff", now=1) and not bans.banned("2001:db8:0:1::1", now=1)


def test_zero_failures_turns_bans_off():
    bans = LocalBans(failures=0, window=600, seconds=900)
    for _ in range(100):
        bans.failed("203.0.113.7")
    assert not bans.banned("203.0.113.7")


def test_memory_stays_bounded_under_a_flood_of_addresses(monkeypatch):
    monkeypatch.setattr(ip_ban, "MAX_NETWORKS", 100)
    bans = LocalBans(failures=2, window=60, seconds=600)
    for host in range(1000):
        bans.failed(f"10.0.{host // 250}.{host % 250}", now=0)
    assert len(bans._recent) <= 100
    for host in range(1000):  # each one banned now
        bans.failed(f"10.1.{host // 250}.{host % 250}", now=1)
        bans.failed(f"10.1.{host // 250}.{host % 250}", now=1)
    assert len(bans._until) <= 100 and bans.banned("10.1.3.249", now=2)  # the newest are kept


# -- Through the app -----------------------------------------------------------------------------

def test_an_address_with_twenty_failures_is_refused_everywhere(client, workspace):
    good = key_headers(workspace)
    assert client.get(WHOAMI, headers=good).status_code == 200
    fail(client, 19)
    assert client.get(WHOAMI, headers=good).status_code == 200  # 19 failures: still let in
    fail(client, 1)
    refused = client.get(WHOAMI, headers=good)  # the right key, from a banned address
    assert refused.status_code == 403
    assert refused.json()["error_code"] == "ip_ban" and refused.json()["exception"] == MESSAGE
    assert client.get("/api/resource/Product", headers=good).status_code == 403
    assert client.post("/api/public/v1/products", headers=good, json={"name": "Rod"}).status_code == 403
    racko = client.get("/v2/items", headers={"RACKO-API-KEY": workspace["live"]["api_key"],
                                             "RACKO-SECRET": workspace["live"]["api_secret"]})
    assert racko.status_code == 403 and racko.json() == {"code": "ip_ban", "description": MESSAGE}
    signin = client.post("/api/method/login", json={"usr": "someone@example.com", "pwd": "whatever"})
    assert signin.status_code == 403 and signin.json()["error_code"] == "ip_ban"
    assert client.get("/?cmd=traciqo_rpc.api.ping").status_code == 403
    assert client.get("/healthz").status_code == 200  # probes and pages are not calls
    other = TestClient(client.app, client=("198.51.100.20", 4000))  # another address is not banned
    assert other.get(WHOAMI, headers=good).status_code == 200


def test_failed_sign_ins_count(client):
    for attempt in range(10):  # the sign-in's own throttle answers 429 past ten from an address
        assert client.post("/api/method/login", json={"usr": f"nobody{attempt}@example.com",
                                                      "pwd": "wrong"}).status_code == 401
    fail(client, 10)
    assert client.get(WHOAMI).status_code == 403


def test_bans_are_configurable_and_can_be_turned_off(make_app, settings):
    few = make_app(settings.with_changes(ip_ban_failures=3, ip_ban_seconds=60))
    with TestClient(few) as client:
        fail(client, 3)
        assert client.get(WHOAMI).status_code == 403
    off = make_app(settings.with_changes(ip_ban_failures=0))
    with TestClient(off) as client:
        fail(client, 30)
        assert client.get(WHOAMI, headers=BAD).status_code == 401


def test_settings_read_the_environment(monkeypatch):
    from traciqo_rpc.settings import Settings, SettingsError

    monkeypatch.setenv("TRACIQO_IP_BAN_FAILURES", "5")
    monkeypatch.setenv("TRACIQO_IP_BAN_WINDOW", "60")
    monkeypatch.setenv("TRACIQO_IP_BAN_SECONDS", "120")
    loaded = Settings.from_env()
    assert (loaded.ip_ban_failures, loaded.ip_ban_window, loaded.ip_ban_seconds) == (5, 60, 120)
    assert Settings().ip_ban_failures == 20 and Settings().ip_ban_window == 600 and Settings().ip_ban_seconds == 900
    monkeypatch.setenv("TRACIQO_IP_BAN_FAILURES", "-1")
    with pytest.raises(SettingsError, match="TRACIQO_IP_BAN_FAILURES"):
        Settings.from_env()


# -- Shared through Redis ------------------------------------------------------------------------

@pytest.fixture
def connection():
    url = os.environ.get("TRACIQO_TEST_REDIS_URL")
    conn = redis.Redis.from_url(url) if url else fakeredis.FakeRedis(server=fakeredis.FakeServer())
    conn.flushdb()
    yield conn
    conn.flushdb()


def test_a_ban_reaches_every_process(connection):
    first, second = SyncedBans(connection, 20, 600, 900), SyncedBans(connection, 20, 600, 900)
    for _ in range(10):
        first.failed("203.0.113.7", now=1000)
        second.failed("203.0.113.7", now=1000)
    first.sync(now=1001)
    assert not first.banned("203.0.113.7", now=1001)  # 10 here, 10 there: not yet seen together
    second.sync(now=1001)  # the twentieth reaches Redis
    first.sync(now=1002)
    assert first.banned("203.0.113.7", now=1002) and second.banned("203.0.113.7", now=1002)
    late = SyncedBans(connection, 20, 600, 900)  # a process started after the ban
    late.sync(now=1003)
    assert late.banned("203.0.113.7", now=1003) and not late.banned("203.0.113.7", now=1000 + 902)
    late.sync(now=2000)  # the ban has ended in Redis too
    assert connection.zcard("traciqo:ipban:bans") == 0


def test_failures_older_than_the_window_do_not_add_up(connection):
    first, second = SyncedBans(connection, 20, 600, 900), SyncedBans(connection, 20, 600, 900)
    for _ in range(10):
        first.failed("203.0.113.7", now=1000)
    first.sync(now=1000)
    for _ in range(10):
        second.failed("203.0.113.7", now=1700)
    second.sync(now=1700)
    assert not second.banned("203.0.113.7", now=1700)


def test_the_hot_path_never_waits_for_a_redis_that_is_down():
    dead = redis.Redis(host="127.0.0.1", port=9, socket_connect_timeout=0.2, socket_timeout=0.2)
    bans = SyncedBans(dead, 3, 600, 900)
    for _ in range(3):
        bans.failed("203.0.113.7")  # counted and decided here
    assert bans.banned("203.0.113.7")
    with pytest.raises(redis.RedisError):
        bans.sync()
    assert len(bans._pending) == 3  # kept for when Redis is back


def test_an_app_on_redis_bans_and_keeps_banning_through_an_outage(make_app, settings, tmp_path):
    from doctypes.workspace.service import create_workspace
    from tests.support.helpers import call
    from tests.support.redis_server import REDIS_SERVER, RedisServer

    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (CI installs it)")
    server = RedisServer(tmp_path)
    server.start()
    try:
        app = make_app(settings.with_changes(redis_url=server.url, ip_ban_failures=5))
        workspace = call(app.state.runtime, lambda ctx: create_workspace(ctx, "outage", "pro"))
        with TestClient(app) as client:
            fail(client, 5)
            assert client.get(WHOAMI, headers=key_headers(workspace)).status_code == 403
            bans = app.state.ip_bans
            bans.sync()
            assert redis.Redis.from_url(server.url).zcard("traciqo:ipban:bans") == 1
            server.stop()
            other = TestClient(client.app, client=("198.51.100.30", 4000))
            for _ in range(5):
                assert other.get(WHOAMI, headers=BAD).status_code == 401
            assert other.get(WHOAMI).status_code == 403  # banned by this process's own count
    finally:
        server.stop()
