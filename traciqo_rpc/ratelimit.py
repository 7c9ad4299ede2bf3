"""Per-key request limits in Redis: a sliding window estimated from two fixed windows."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

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
    """Adds its commands to a caller's pipeline (one round trip per request), then decides."""

    def __init__(self, window: int = WINDOW_SECONDS) -> None:
        self.window = window

    def queue_commands(self, pipe: Any, key_id: int | str, now: float) -> None:
        slot = int(now // self.window)
        current = f"traciqo:rl:{key_id}:{slot}"
        pipe.incr(current)
        pipe.expire(current, self.window * 2)
        pipe.get(f"traciqo:rl:{key_id}:{slot - 1}")

    def decide(self, results: list[Any], limit: int, now: float) -> Decision:
        """`results` are the three replies of queue_commands, in order."""
        current, _, previous = results
        slot_start = (now // self.window) * self.window
        elapsed = now - slot_start
        weight = (self.window - elapsed) / self.window
        used = int(previous or 0) * weight + int(current)
        reset_at = int(slot_start + self.window)
        if used <= limit:
            return Decision(True, limit, max(0, int(limit - used)), reset_at, 0)
        # Earliest moment the weighted previous window has decayed enough to admit one more.
        prev = int(previous or 0)
        if prev and int(current) <= limit:
            needed = (used - limit) / prev * self.window
            retry = math.ceil(needed)
        else:
            retry = math.ceil(slot_start + self.window - now)
        return Decision(False, limit, 0, reset_at, max(1, retry))


def now() -> float:
    return time.time()
