"""Small, rarely changing per-workspace settings kept in process memory (webhook subscriptions).

Every scan and every batch publishes an event, and each event needs its workspace's webhook
subscriptions: reading them per event was a query of its own on the hottest write path.
An entry stays good while the cache generation is unchanged, and for at most `ttl` seconds.
Whatever changes cached settings (or credentials) calls `invalidate_after_commit`: after
commit it bumps the generation in every process (Redis pub/sub; in memory in the embedded
mode), so a change is seen at once; the TTL bounds staleness while Redis is unreachable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from .context import RequestContext

MAX_ENTRIES = 10_000


class SettingsCache:
    def __init__(self, generation: Callable[[], int], ttl: float) -> None:
        self._generation = generation
        self._ttl = ttl
        self._entries: dict[Hashable, tuple[Any, int, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The cached value of `key`, or `load()` (stored for next time)."""
        # The generation is read before loading: a change committed while we load bumps it,
        # so what we store is already stale and the next call loads again.
        generation = self._generation()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[1] == generation and now < entry[2]:
            return entry[0]
        value = load()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (value, generation, now + self._ttl)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def invalidate_after_commit(ctx: RequestContext) -> None:
    """After commit, make every process drop cached credentials and settings."""
    ctx.on_commit(ctx.services.invalidate_caches)
