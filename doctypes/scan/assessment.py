"""Clone detection: too many scans, or scans from places too far apart for the time between them."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import NamedTuple

EARTH_RADIUS_KM = 6371.0
# Faster than an airliner between two scans means two labels, not one traveller.
MAX_PLAUSIBLE_KMH = 900.0
# Below this distance GPS noise and IP geolocation make speed meaningless.
MIN_DISTANCE_KM = 50.0
COUNTRY_CHANGE_WINDOW = dt.timedelta(hours=1)


class Place(NamedTuple):
    at: dt.datetime
    lat: float | None
    lon: float | None
    country: str | None


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine) between two places that say where they are."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        raise ValueError("both places need coordinates")
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def too_many_scans(scan_count: int, max_scans: int) -> str:
    return f"scanned {scan_count} times (more than {max_scans})"


def reasons(scan_count: int, max_scans: int, current: Place, earlier: Iterable[Place]) -> list[str]:
    """Why this scan looks like a cloned label (empty when it does not)."""
    found = [] if scan_count <= max_scans else [too_many_scans(scan_count, max_scans)]
    for previous in earlier:
        hours = max(abs((current.at - previous.at).total_seconds()) / 3600, 1 / 60)
        if None not in (current.lat, current.lon, previous.lat, previous.lon):
            km = distance_km(current, previous)
            if km >= MIN_DISTANCE_KM and km / hours > MAX_PLAUSIBLE_KMH:
                found.append(f"scanned {km:.0f} km apart within {hours * 60:.0f} minutes")
                break
        if (current.country and previous.country and current.country != previous.country
                and abs(current.at - previous.at) <= COUNTRY_CHANGE_WINDOW):
            found.append(f"scanned in {previous.country} and {current.country} within an hour")
            break
    return found
