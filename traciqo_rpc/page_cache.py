"""Rendered public pages kept in process memory, served without the database while fresh.

A page is kept with the versions it was rendered from (a tracker's, its branding's). It is
*fresh* for `fresh_for` seconds after it was rendered or last found current, and while the
settings generation (caching.py) is unchanged; a fresh page is served on the event loop with
no query at all. A stale one costs one look-up of the versions: the same page again if they
match, a new render if not. A change made in this process forgets its pages when it commits,
so they are never served stale here; another process's change is seen within `fresh_for`.

Why: the look-up was most of a kept page's cost (a thread hop and a query; on PostgreSQL a
network round trip), and a page is read far more often than it changes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

# Pages are a few kilobytes: a few thousand stay well under 50 MB per process.
MAX_PAGES = 4096
FRESH_SECONDS = 1.0

Page = tuple[str, ...]  # the page's text, split where each response puts its own parts (a CSP nonce)


class KeptPages:
    """Pages by key, at most `max_pages`, the least recently served dropped first. Thread-safe."""

    def __init__(self, generation: Callable[[], int], fresh_for: float = FRESH_SECONDS,
                 max_pages: int = MAX_PAGES) -> None:
        self._generation = generation
        self._fresh_for = fresh_for
        self._max_pages = max_pages
        # key -> (versions, page, fresh until (monotonic), generation)
        self._pages: OrderedDict[Hashable, tuple[Hashable, Page, float, int]] = OrderedDict()
        self._forgotten = 0  # counts forget() calls: a check begun before one must not vouch for a page
        self._lock = threading.Lock()

    def fresh(self, key: Hashable) -> Page | None:
        """The page, if it may be served without looking anything up."""
        generation = self._generation()
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[2] < time.monotonic() or entry[3] != generation:
                return None
            self._pages.move_to_end(key)
            return entry[1]

    def begin(self) -> int:
        """Call before reading the versions: what check() and put() need to know whether a change
        in this process committed meanwhile."""
        return self._forgotten

    def check(self, key: Hashable, versions: Hashable, begun: int) -> Page | None:
        """The page if it was rendered from these versions (now read), made fresh again."""
        generation = self._generation()
        with self._lock:
            entry = self._pages.get(key)
            if entry is None or entry[0] != versions:
                return None
            if begun == self._forgotten:
                self._pages[key] = (versions, entry[1], time.monotonic() + self._fresh_for, generation)
            self._pages.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, versions: Hashable, page: Page, begun: int) -> None:
        """Keep a page just rendered from `versions`; fresh only if nothing was forgotten since
        `begun` (otherwise the next view checks its versions again)."""
        generation = self._generation()
        with self._lock:
            fresh_until = time.monotonic() + self._fresh_for if begun == self._forgotten else 0.0
            self._pages[key] = (versions, page, fresh_until, generation)
            self._pages.move_to_end(key)
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)

    def forget(self, *keys: Hashable) -> None:
        """Drop pages whose source changed (call after the change commits)."""
        with self._lock:
            self._forgotten += 1
            for key in keys:
                self._pages.pop(key, None)

    def __len__(self) -> int:
        return len(self._pages)
