"""The settings cache: good until the generation moves or the TTL passes."""

from __future__ import annotations

import time

from traciqo_rpc.caching import SettingsCache


def test_entries_last_until_the_generation_moves():
    generation = [0]
    loads = []
    cache = SettingsCache(lambda: generation[0], ttl=60)

    def load():
        loads.append(1)
        return len(loads)

    assert cache.get("k", load) == 1 and cache.get("k", load) == 1
    generation[0] += 1  # another process (or this one) changed something
    assert cache.get("k", load) == 2 and cache.get("k", load) == 2
    cache.clear()
    assert cache.get("k", load) == 3
    assert cache.get("other", load) == 4 and cache.get("k", load) == 3


def test_entries_expire_after_the_ttl():
    cache = SettingsCache(lambda: 0, ttl=0.05)
    values = iter(range(10))
    first = cache.get("k", lambda: next(values))
    time.sleep(0.06)
    assert cache.get("k", lambda: next(values)) == first + 1
