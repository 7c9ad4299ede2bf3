"""Scan methods: the verification page adds a location; owners list their scans."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import listing, service
from .schema import AttachLocationArgs, ListScansArgs, LocationAttached, ScanPage


@whitelist(methods=["POST"], schema=AttachLocationArgs, allow_guest=True, guest_rate_limit=60,
           returns=LocationAttached)
def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Public: the page's JavaScript adds the browser's location to the scan it just recorded."""
    return service.attach_location(ctx, scan_token, lat, lon)


@whitelist(methods=["GET"], schema=ListScansArgs, returns=ScanPage)
def list_scans(ctx: RequestContext, limit: int, offset: int, code: str | None = None,
               verdict: str | None = None, order: str = "-created") -> dict[str, Any]:
    """The workspace's scans, newest first: in the ids' order, which an index gives with or without a code."""
    return listing.list_scans(ctx, limit, offset, code, verdict, order)
