"""Refusing webhook URLs that reach private, loopback, link-local or reserved addresses."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from traciqo_rpc import errors


class UnsafeUrl(errors.ValidationError):
    """The URL resolves to an address webhooks must not reach."""


def _blocked(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified)


def check(url: str, allowed: Iterable[str] = ()) -> None:
    """Resolve the URL's host; every address must be public, or inside an allowed network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("Webhook URLs must be http(s) with a host", field_errors={"url": ["Not an http(s) URL."]})
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in allowed]
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(f"Cannot resolve {parts.hostname}", field_errors={"url": ["The host does not resolve."]}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if _blocked(address) and not any(address in network for network in networks):
            raise UnsafeUrl(f"{parts.hostname} resolves to a non-public address ({address})",
                            field_errors={"url": ["Resolves to a private, loopback, link-local or reserved address."]})
