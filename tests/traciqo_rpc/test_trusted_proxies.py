"""TRACIQO_FORWARDED_ALLOW_IPS: behind a trusted proxy, per-IP rules (bans, guest limits) see the
client's address from X-Forwarded-For; from any other peer the header is ignored, so a client
cannot pick its own address. Served as `traciqo-rpc serve` serves (uvicorn, our options)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.live_server import live_server
from traciqo_rpc.settings import Settings, SettingsError

BAD = {"X-Traciqo-API-Key": "tq_live_nope", "X-Traciqo-API-Secret": "nope"}
WHOAMI = "/api/method/traciqo_rpc.api.whoami"


def statuses(base: str, forwarded_for: str, times: int) -> list[int]:
    with httpx.Client(base_url=base) as http:
        return [http.get(WHOAMI, headers={**BAD, "X-Forwarded-For": forwarded_for}).status_code
                for _ in range(times)]


def test_a_trusted_proxy_passes_on_the_clients_address(make_app, settings):
    app = make_app(settings.with_changes(ip_ban_failures=3, forwarded_allow_ips="127.0.0.1"))
    with live_server(app) as base:
        assert statuses(base, "203.0.113.7", 4) == [401, 401, 401, 403]  # that client is banned
        assert statuses(base, "198.51.100.9", 1) == [401]  # another behind the same proxy is not


def test_an_untrusted_peers_forwarded_header_is_ignored(make_app, settings):
    # The proxy is said to be 10.0.0.5; these requests come from 127.0.0.1, so their header is a lie.
    app = make_app(settings.with_changes(ip_ban_failures=3, forwarded_allow_ips="10.0.0.5,10.1.0.0/16"))
    with live_server(app) as base:
        assert statuses(base, "203.0.113.7", 3) == [401, 401, 401]
        assert statuses(base, "198.51.100.9", 1) == [403]  # the same peer, whatever it claims


def test_the_setting_takes_addresses_networks_or_a_star(monkeypatch):
    monkeypatch.setenv("TRACIQO_FORWARDED_ALLOW_IPS", " 10.0.0.5, 10.1.0.0/16 ,::1")
    assert Settings.from_env().forwarded_allow_ips == "10.0.0.5,10.1.0.0/16,::1"
    monkeypatch.setenv("TRACIQO_FORWARDED_ALLOW_IPS", "*")
    assert Settings.from_env().forwarded_allow_ips == "*"
    assert Settings().forwarded_allow_ips == "127.0.0.1,::1"  # unset: a proxy on the same host
    monkeypatch.setenv("TRACIQO_FORWARDED_ALLOW_IPS", "10.0.0.5,proxy.local")
    with pytest.raises(SettingsError, match="TRACIQO_FORWARDED_ALLOW_IPS: 'proxy.local' is not an address"):
        Settings.from_env()
