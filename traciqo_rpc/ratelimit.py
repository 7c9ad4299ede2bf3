"""Per-key request limits: a sliding window estimated from two fixed one-minute windows.

Counts live in Redis (shared by every process), or in memory in the embedded mode.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import redis

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """Decides from a window's two counts (current and previous minute)."""

    def __init__(self, window: int = WINDOW_SECONDS) -> None:
        self.window = window

    def decide(self, results: list[Any], limit: int, now: float) -> Decision:
        """`results` are the current window's count (after this request) and the previous one's."""
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
        return Decision(False, limit, 0, reset_at, max(1, retry))


GENERATION_KEY = "traciqo:auth:generation"


# One script call instead of a four-command pipeline: half the client-side work per request.
_HIT_SCRIPT = """
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {current, redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[3]) or '0'}
"""


class RedisCounters:
    """Rate windows and the credentials generation in Redis: one round trip per request."""

    def __init__(self, connection: redis.Redis, window: int = WINDOW_SECONDS) -> None:
        self.connection = connection
        self.window = window
        self._hit = connection.register_script(_HIT_SCRIPT)

    def hit(self, key: int | str, now: float, with_generation: bool = False) -> tuple[int | None, list[Any]]:
        """Count one request for `key`; returns (generation if asked, [current, previous])."""
        slot = int(now // self.window)
        current, previous, generation = self._hit(
            keys=[f"traciqo:rl:{key}:{slot}", f"traciqo:rl:{key}:{slot - 1}", GENERATION_KEY],
            args=[self.window * 2],
        )
        return (int(generation) if with_generation else None), [current, previous]

    def generation(self) -> int:
        return int(self.connection.get(GENERATION_KEY) or 0)

    def bump_generation(self) -> None:
        self.connection.incr(GENERATION_KEY)


class LocalCounters:
    """The same counters in process memory, for the embedded mode (one process, no Redis)."""

    def __init__(self, window: int = WINDOW_SECONDS) -> None:
        self.window = window
        self._generation = 0
        self._counts: dict[tuple[int | str, int], int] = {}
        self._slot = 0
        self._lock = threading.Lock()

    def hit(self, key: int | str, now: float, with_generation: bool = False) -> tuple[int | None, list[Any]]:
        slot = int(now // self.window)
        with self._lock:
            if slot != self._slot:  # forget windows older than the previous one
                self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot - 1}
                self._slot = slot
            current = self._counts[(key, slot)] = self._counts.get((key, slot), 0) + 1
            previous = self._counts.get((key, slot - 1), 0)
        return (self._generation if with_generation else None), [current, previous]

    def generation(self) -> int:
        return self._generation

    def bump_generation(self) -> None:
        with self._lock:
            self._generation += 1
