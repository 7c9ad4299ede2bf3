"""Scan as a Frappe resource: read-only, each consumer's scan as it was recorded."""

from __future__ import annotations

from traciqo_rpc.resource import Resource

from .model import Scan

scan = Resource(
    model=Scan,
    fields={
        "name": Scan.id, "code_id": Scan.code_id, "verdict": Scan.verdict, "source": Scan.source, "ip": Scan.ip,
        "user_agent": Scan.user_agent, "lat": Scan.lat, "lon": Scan.lon, "country": Scan.country,
    },
    filterable=("name", "code_id"),
    created=Scan.scanned_at,
    sequence=Scan.id,
)
