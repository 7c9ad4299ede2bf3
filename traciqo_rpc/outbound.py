"""HTTP requests to URLs our users give us (webhook endpoints), which must reach only public
addresses: nothing private, loopback, link-local, shared (carrier-grade NAT, where some clouds
keep their metadata service) or otherwise not globally routable, whatever IPv6 form it hides in.

Every address the host resolves to is checked, and the connection then goes to an address
that was checked: letting the HTTP client resolve the name again would let a name that flips
between a public address and 127.0.0.1 (DNS rebinding) through. The request keeps its URL, so
the Host header and TLS (server name and certificate check) are the host name's as usual.
"""

from __future__ import annotations

import contextlib
import contextvars
import ipaddress
import socket
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import httpcore
import httpx

from . import errors

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Not globally routable, but missed by `is_global` in some Python versions, or worth naming.
_ALSO_REFUSED = tuple(ipaddress.ip_network(net) for net in (
    "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "255.255.255.255/32",
    "fec0::/10",        # site-local, deprecated but still routed inside some networks
    "64:ff9b:1::/48",   # NAT64 for local use
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeUrl(errors.ValidationError):
    """The URL is not http(s), does not resolve, or resolves to an address we must not reach."""


class Target(NamedTuple):
    host: str
    port: int
    addresses: tuple[str, ...]


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """TRACIQO_WEBHOOK_ALLOW_CIDRS as networks (tests allow 127.0.0.0/8)."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def resolve_host(host: str, port: int) -> list[str]:
    """The host's addresses, as the system resolver gives them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))


def check(url: str, allowed: Iterable[Network] = ()) -> Target:
    """Resolve the URL's host once; every address must be public or inside an allowed network."""
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise UnsafeUrl("The URL cannot be parsed", field_errors={"url": ["Not a valid URL."]}) from None
    if parsed.scheme not in ("http", "https") or not host:
        raise UnsafeUrl("Webhook URLs must be http(s) with a host", field_errors={"url": ["Not an http(s) URL."]})
    try:
        addresses = resolve_host(host, port)
    except (OSError, UnicodeError):  # socket.gaierror is an OSError
        raise UnsafeUrl(f"Cannot resolve {host}", field_errors={"url": ["The host does not resolve."]}) from None
    allowed = tuple(allowed)
    for text in addresses:
        address = ipaddress.ip_address(text)
        if refused(address) and not _allowed(address, allowed):
            raise UnsafeUrl(f"{host} resolves to a non-public address ({address})",
                            field_errors={"url": ["Resolves to a private, loopback, link-local or reserved address."]})
    if not addresses:
        raise UnsafeUrl(f"Cannot resolve {host}", field_errors={"url": ["The host does not resolve."]})
    return Target(host, port, tuple(addresses))


def refused(address: Address) -> bool:
    """Whether an address is one webhooks must not reach (an IPv4 address embedded in an IPv6
    one, e.g. ::ffff:127.0.0.1 or 6to4's 2002:7f00:1::1, is judged as itself too)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and refused(embedded):
        return True
    return (not address.is_global or address.is_multicast or address.is_reserved or address.is_loopback
            or address.is_link_local or address.is_private or address.is_unspecified
            or any(address in network for network in _ALSO_REFUSED if network.version == address.version))


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    if address in _NAT64 or int(address) >> 32 == 0:  # NAT64, IPv4-compatible (::a.b.c.d)
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed(address: Address, allowed: tuple[Network, ...]) -> bool:
    embedded = _embedded_ipv4(address)
    return any(address in network or (embedded is not None and embedded in network) for network in allowed)


# (host, port) -> the checked addresses a request may connect to; set around each request.
_pins: contextvars.ContextVar[Mapping[tuple[str, int], tuple[str, ...]] | None] = contextvars.ContextVar(
    "traciqo_outbound_pins", default=None)


@contextlib.contextmanager
def _pinned(target: Target) -> Iterator[None]:
    token = _pins.set({(target.host, target.port): target.addresses})
    try:
        yield
    finally:
        _pins.reset(token)


class _PinnedBackend(httpcore.SyncBackend):
    """Connects only to the addresses checked for this request's host, never resolving again."""

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = (_pins.get() or {}).get((host, port))
        if not addresses:  # a redirect or a proxy would land here: we follow neither
            raise httpcore.ConnectError(f"{host}:{port} was not checked")
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses _PinnedBackend (httpx offers no
    public way to give its pool a network backend: we set its `_pool`, so httpx is pinned below 1.0)."""

    def __init__(self, ssl_context: Any = None, max_connections: int = 100, keepalive_expiry: float = 5.0) -> None:
        super().__init__()
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(), max_connections=max_connections,
            max_keepalive_connections=20, keepalive_expiry=keepalive_expiry, network_backend=_PinnedBackend())


class Client:
    """A thread-safe client whose requests reach only checked, public addresses (no redirects,
    no proxies from the environment)."""

    def __init__(self, connect_timeout: float, total_timeout: float, ssl_context: Any = None) -> None:
        self._http = httpx.Client(transport=_PinnedTransport(ssl_context), trust_env=False, follow_redirects=False,
                                  timeout=httpx.Timeout(total_timeout, connect=connect_timeout))

    def post(self, url: str, allowed: Iterable[Network], content: bytes, headers: Mapping[str, str]) -> httpx.Response:
        """POST after checking where the URL leads (UnsafeUrl when it leads nowhere we may go)."""
        target = check(url, allowed)
        with _pinned(target):
            return self._http.post(url, content=content, headers=headers)
