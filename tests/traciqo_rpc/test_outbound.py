"""Outbound requests reach only public addresses, and only the address that was checked."""

from __future__ import annotations

import ipaddress
import itertools
import socket

import pytest

from tests.support.receiver import receiver
from traciqo_rpc import outbound

NOT_PUBLIC = [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "0.1.2.3",
    "100.64.0.1", "100.100.100.200", "192.0.0.170", "192.0.2.1", "198.18.0.1", "198.51.100.7", "203.0.113.9",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "fe80::1", "fec0::1", "fc00::1", "fd12::1",
    "ff02::1", "2001:db8::1", "2001::1", "100::1",
    "2002:7f00:1::1", "2002:a00:1::1", "2002:a9fe:a9fe::1",  # 6to4 around 127.0.0.1, 10.0.0.1, 169.254.169.254
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1",  # NAT64
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2001:4860:4860::8888",
          "2002:5db8:d822::1"]  # 6to4 around a public address


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address):
    assert outbound.refused(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert not outbound.refused(ipaddress.ip_address(address))


def test_allowed_networks_let_an_address_through():
    allowed = outbound.networks(["127.0.0.0/8"])
    for url in ("http://127.0.0.1:9/x", "http://[::ffff:127.0.0.1]:9/x"):
        assert outbound.check(url, allowed).addresses
    with pytest.raises(outbound.UnsafeUrl):
        outbound.check("http://10.0.0.1/x", allowed)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "http:///x", "http://[::1/x", "not a url"])
def test_urls_that_are_not_http_are_refused(url):
    with pytest.raises(outbound.UnsafeUrl):
        outbound.check(url)


def test_a_refused_url_sends_nothing(monkeypatch):
    monkeypatch.setattr(outbound, "resolve_host", lambda host, port: ["93.184.216.34", "100.100.100.200"])

    def no_connection(*args, **kwargs):
        raise AssertionError("a refused URL must not be connected to")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    client = outbound.Client(connect_timeout=1, total_timeout=2)
    with pytest.raises(outbound.UnsafeUrl):
        client.post("http://metadata.example/latest", (), content=b"{}", headers={})


def test_dns_rebinding_reaches_only_the_checked_address(monkeypatch):
    """The name answers 127.0.0.2 (allowed here, standing in for a public address) and 127.0.0.1
    in turn. Each request resolves it once, is refused when that answer is 127.0.0.1, and
    otherwise connects to 127.0.0.2 itself: the loopback receiver never hears a thing."""
    with receiver("127.0.0.2") as public, receiver("127.0.0.1", port=int(public.url.split(":")[2].split("/")[0])) as private:
        port = int(public.url.split(":")[2].split("/")[0])
        answers = itertools.cycle(["127.0.0.2", "127.0.0.1", "127.0.0.1"])
        real_getaddrinfo = socket.getaddrinfo

        def flipping(host, *args, **kwargs):
            if host == "rebind.example":
                address = next(answers)
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", flipping)
        client = outbound.Client(connect_timeout=2, total_timeout=5)
        allowed = outbound.networks(["127.0.0.2/32"])
        delivered = refused = 0
        for _ in range(30):
            try:
                response = client.post(f"http://rebind.example:{port}/hook", allowed, content=b"{}", headers={})
                assert response.status_code == 200
                delivered += 1
            except outbound.UnsafeUrl:
                refused += 1
        assert private.requests == []
        assert delivered == len(public.requests) == 10 and refused == 20
        assert {r.headers["host"] for r in public.requests} == {f"rebind.example:{port}"}


def test_redirects_are_not_followed_even_to_checked_hosts(monkeypatch):
    with receiver() as inbox:
        inbox.script = [(302, {"Location": inbox.url + "/next"})]
        client = outbound.Client(connect_timeout=2, total_timeout=5)
        response = client.post(inbox.url, outbound.networks(["127.0.0.0/8"]), content=b"{}", headers={})
    assert response.status_code == 302 and len(inbox.requests) == 1
