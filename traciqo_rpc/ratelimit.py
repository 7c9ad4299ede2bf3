"""Per-key request limits: a sliding window estimated from two fixed one-minute windows.

Counts are kept in process memory and, with Redis, shared between processes in the background.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import redis

WINDOW_SECONDS = 60
log = logging.getLogger("traciqo.ratelimit")


class Decision(NamedTuple):
    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        """X-RateLimit-Limit/Remaining/Reset (and Retry-After when refused), as ASGI byte pairs."""
        headers = [(b"x-ratelimit-limit", b"%d" % self.limit), (b"x-ratelimit-remaining", b"%d" % self.remaining),
                   (b"x-ratelimit-reset", b"%d" % self.reset_at)]
        if not self.allowed:
            headers.append((b"retry-after", b"%d" % self.retry_after))
        return headers


class RateLimiter:
    """Decides from a window's two counts (current and previous minute)."""

    def __init__(self, window: int = WINDOW_SECONDS) -> None:
        self.window = window
        # Told which limit refused a request: "key", "user" or "ip" (metrics.py counts them).
        self.on_refusal: Callable[[str], None] = lambda limit_name: None

    def decide(self, results: list[Any], limit: int, now: float, limit_name: str = "key") -> Decision:
        """`results` are the current window's count (after this request) and the previous one's;
        `limit_name` says whose window it is (an API key's, a signed-in user's, a guest ip's)."""
        current, previous = int(results[0]), int(results[1] or 0)
        slot_start = (now // self.window) * self.window
        elapsed = now - slot_start
        weight = (self.window - elapsed) / self.window
        used = previous * weight + current
        reset_at = int(slot_start + self.window)
        if used <= limit:
            return Decision(True, limit, max(0, int(limit - used)), reset_at, 0)
        # Earliest moment the weighted previous window has decayed enough to admit one more.
        if previous and current <= limit:
            retry = math.ceil((used - limit) / previous * self.window)
        else:
            retry = math.ceil(slot_start + self.window - now)
        self.on_refusal(limit_name)
        return Decision(False, limit, 0, reset_at, max(1, retry))


class LocalCounters:
    """Rate windows and the credentials generation in process memory: the embedded mode."""

    def __init__(self, window: int = WINDOW_SECONDS) -> None:
        self.window = window
        self._generation = 0
        self._counts: dict[tuple[int | str, int], int] = {}  # this process's requests
        self._others: dict[tuple[int | str, int], int] = {}  # other processes', as last synced
        self._slot = 0
        self._lock = threading.Lock()

    def hit(self, key: int | str, now: float, with_generation: bool = False) -> tuple[int | None, list[Any]]:
        """Count one request for `key`; returns (generation if asked, [current, previous])."""
        slot = int(now // self.window)
        with self._lock:
            if slot != self._slot:  # forget windows older than the previous one
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot - 1}
                self._others = {k: v for k, v in self._others.items() if k[1] >= slot - 1}
                self._slot = slot
            mine = self._counts[(key, slot)] = self._counts.get((key, slot), 0) + 1
            current = mine + self._others.get((key, slot), 0)
            previous = self._counts.get((key, slot - 1), 0) + self._others.get((key, slot - 1), 0)
        return (self._generation if with_generation else None), [current, previous]

    def generation(self) -> int:
        return self._generation

    def bump_generation(self) -> None:
        with self._lock:
            self._generation += 1

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


INVALIDATION_CHANNEL = "traciqo:auth:invalidate"


class SyncedCounters(LocalCounters):
    """Counts in memory and shares them through Redis, off the request path.

    Every `interval` a thread adds this process's new requests to the cluster-wide window
    counts in Redis and reads back what the other processes added, so each process decides
    with the whole cluster's count as of the last sync (at most `interval` old; a burst
    across processes may pass a limit by what arrives in that time). Credential changes are
    published; every process drops its cached keys when the message arrives.
    """

    def __init__(self, connection: redis.Redis, window: int = WINDOW_SECONDS, interval: float = 0.1) -> None:
        super().__init__(window)
        self.connection = connection
        self.interval = interval
        self._pushed: dict[tuple[int | str, int], int] = {}  # of _counts, already in Redis
        self._stop = threading.Event()

    def bump_generation(self) -> None:
        super().bump_generation()
        self.connection.publish(INVALIDATION_CHANNEL, "1")

    def sync(self) -> None:
        """Push our new requests and read back everyone's totals, for every window we use."""
        with self._lock:
            windows = {k: v - self._pushed.get(k, 0) for k, v in self._counts.items()}
        if not windows:
            return
        pipe = self.connection.pipeline(transaction=False)
        for (key, slot), delta in windows.items():
            name = f"traciqo:rl:{key}:{slot}"
            if delta:
                pipe.incrby(name, delta)
                pipe.expire(name, self.window * 2)
            else:
                pipe.get(name)
        replies = iter(pipe.execute())
        with self._lock:
            for window_key, delta in windows.items():
                total = int(next(replies) or 0)
                if delta:
                    next(replies)  # the EXPIRE
                pushed = self._pushed[window_key] = self._pushed.get(window_key, 0) + delta
                self._others[window_key] = total - pushed
            self._pushed = {k: v for k, v in self._pushed.items() if k in self._counts}

    def start(self) -> None:
        for target, name in ((self._sync_forever, "traciqo-counters"), (self._listen, "traciqo-invalidations")):
            threading.Thread(target=target, name=name, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _sync_forever(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except redis.RedisError:
                _warn("Redis unreachable: rate limits count this process only until it returns")

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self.connection.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(INVALIDATION_CHANNEL)
                while not self._stop.is_set():
                    if pubsub.get_message(timeout=1.0):
                        with self._lock:
                            self._generation += 1
                pubsub.close()
            except redis.RedisError:
                _warn("Redis unreachable: cached credentials expire by their TTL until it returns")
                # Whatever changed meanwhile must not be missed.
                with self._lock:
                    self._generation += 1
                self._stop.wait(1.0)


_last_warning = 0.0


def _warn(message: str) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 10:
        _last_warning = time.monotonic()
        log.warning(message)
