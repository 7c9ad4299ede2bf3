"""Address bans: a network with too many failed authentications is refused for a while.

Racko's `ip_ban`: 20 failed authentications (answers of 401: a wrong or malformed key or
secret, a failed sign-in) from one address within 10 minutes refuse that address for 15
minutes, whatever it sends (403). An IPv6 client is counted by its /64, which one machine
usually holds whole.

The front door asks `banned()` before anything else, on every call: a look in process memory.
Failures are counted in memory too and, with Redis, shared in the background (SyncedBans):
each process pushes the failures it saw and reads back every ban, so a ban reaches the other
processes within one interval, and a Redis outage leaves each process banning by its own count.
"""

from __future__ import annotations

import collections
import ipaddress
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

import redis

log = logging.getLogger("traciqo.ip_ban")

# Networks followed at once (failures or bans); past it the quiet ones go first, so a flood
# from many addresses costs bounded memory.
MAX_NETWORKS = 100_000
# Failures waiting for the next push to Redis; past it the oldest are dropped (this process
# still counts them).
MAX_PENDING = 10_000
_KEY = "traciqo:ipban"
T = TypeVar("T")


def network(ip: str) -> str:
    """The key an address is counted under: an IPv4 address itself, an IPv6 address's /64."""
    if ":" not in ip:
        return ip
    try:
        address = ipaddress.IPv6Address(ip.partition("%")[0])
    except ValueError:
        return ip
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, 64), strict=False))


class LocalBans:
    """Failures and bans in process memory: the embedded mode (one process)."""

    def __init__(self, failures: int, window: float, seconds: float) -> None:
        self.failures = failures
        self.window = window
        self.seconds = seconds
        self._recent: dict[str, collections.deque[float]] = {}  # network -> its latest failure times
        self._until: dict[str, float] = {}  # network -> end of its ban (epoch seconds)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.failures > 0

    def banned(self, ip: str, now: float | None = None) -> bool:
        """Is this address refused right now? (No lock: a dict read; no ban at all, no work.)"""
        if not self._until:
            return False
        until = self._until.get(network(ip))
        return until is not None and until > (time.time() if now is None else now)

    def failed(self, ip: str, now: float | None = None) -> None:
        """Count one failed authentication from `ip`; the one that reaches the limit bans it."""
        if not self.enabled:
            return
        now = time.time() if now is None else now
        key = network(ip)
        with self._lock:
            recent = self._recent.get(key)
            if recent is None:
                self._make_room(self._recent, lambda times: bool(times) and times[-1] > now - self.window)
                recent = self._recent[key] = collections.deque(maxlen=self.failures)
            recent.append(now)
            self._note(key, now)
            if len(recent) == self.failures and recent[0] > now - self.window:
                recent.clear()  # counting starts afresh once the ban ends
                self._ban(key, now + self.seconds)

    def clear(self) -> None:
        with self._lock:
            self._recent.clear()
            self._until.clear()

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def _note(self, key: str, now: float) -> None:
        """A failure counted here (SyncedBans shares it)."""

    def _ban(self, key: str, until: float) -> None:
        if key not in self._until:
            now = time.time()
            self._make_room(self._until, lambda end: end > now)
        self._until[key] = max(until, self._until.get(key, 0.0))
        log.warning("banned %s until %s after %d failed authentications", key,
                    time.strftime("%H:%M:%S", time.gmtime(until)), self.failures)

    @staticmethod
    def _make_room(table: dict[str, T], current: Callable[[T], bool]) -> None:
        """Keep `table` under MAX_NETWORKS: forget what is no longer `current`, then the oldest half."""
        if len(table) < MAX_NETWORKS:
            return
        live = {key: value for key, value in table.items() if current(value)}
        if len(live) >= MAX_NETWORKS // 2:
            live = dict(list(live.items())[len(live) // 2:])
        table.clear()
        table.update(live)


class SyncedBans(LocalBans):
    """Counts and bans in memory, shared between processes through Redis off the request path.

    Every `interval` a thread pushes this process's new failures into a sorted set per network
    (scored by time, trimmed to the window), bans the networks that reached the limit in a
    sorted set of bans (scored by their end), and reads that set back.
    """

    def __init__(self, connection: redis.Redis, failures: int, window: float, seconds: float,
                 interval: float = 0.5) -> None:
        super().__init__(failures, window, seconds)
        self.connection = connection
        self.interval = interval
        self._pending: collections.deque[tuple[str, float]] = collections.deque(maxlen=MAX_PENDING)
        self._process = uuid.uuid4().hex[:12]  # failures from two processes at one instant stay two
        self._sequence = 0
        self._stop = threading.Event()

    def _note(self, key: str, now: float) -> None:
        self._pending.append((key, now))

    def sync(self, now: float | None = None) -> None:
        """Push the failures seen since the last sync, ban where the cluster's count reached the
        limit, and take every current ban."""
        now = time.time() if now is None else now
        with self._lock:
            pending = list(self._pending)
            self._pending.clear()
        try:
            reached = self._push(pending, now)
            pipe = self.connection.pipeline(transaction=False)
            if reached:
                # NX: a ban already in force keeps its end (its network sends nothing meanwhile).
                pipe.zadd(f"{_KEY}:bans", {key: now + self.seconds for key in reached}, nx=True)
                pipe.delete(*(f"{_KEY}:failures:{key}" for key in reached))
            pipe.zremrangebyscore(f"{_KEY}:bans", "-inf", now)
            pipe.zrangebyscore(f"{_KEY}:bans", now, "+inf", start=0, num=MAX_NETWORKS, withscores=True)
            bans = pipe.execute()[-1]
        except redis.RedisError:
            with self._lock:  # counted again at the next sync; the newest win if room runs out
                self._pending.extendleft(reversed(pending))
            raise
        with self._lock:
            for key, until in bans:
                name = key.decode() if isinstance(key, bytes) else key
                if self._until.get(name, 0.0) < until:
                    if name not in self._until:
                        self._make_room(self._until, lambda end: end > now)
                    self._until[name] = until

    def _push(self, pending: Iterable[tuple[str, float]], now: float) -> list[str]:
        """Add the failures to each network's set; the networks whose set reached the limit."""
        by_network: dict[str, dict[str, float]] = {}
        for key, when in pending:
            self._sequence += 1
            by_network.setdefault(key, {})[f"{self._process}:{self._sequence}"] = when
        if not by_network:
            return []
        pipe = self.connection.pipeline(transaction=False)
        for key, members in by_network.items():
            name = f"{_KEY}:failures:{key}"
            pipe.zadd(name, members)
            pipe.zremrangebyscore(name, "-inf", now - self.window)
            pipe.zcard(name)
            pipe.expire(name, int(self.window) + 1)
        replies = pipe.execute()
        counts = replies[2::4]
        return [key for key, count in zip(by_network, counts, strict=True) if count >= self.failures]

    def start(self) -> None:
        if self.enabled:
            threading.Thread(target=self._sync_forever, name="traciqo-ip-bans", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _sync_forever(self) -> None:
        last_warning = 0.0
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except redis.RedisError:
                if time.monotonic() - last_warning > 10:
                    last_warning = time.monotonic()
                    log.warning("Redis unreachable: address bans count this process only until it returns")


def build(connection: redis.Redis | None, failures: int, window: float, seconds: float) -> LocalBans:
    """Bans in memory (no Redis: the embedded mode) or shared through `connection`."""
    if connection is None:
        return LocalBans(failures, window, seconds)
    return SyncedBans(connection, failures, window, seconds)
