"""What the public tracking pages may show of a tracker, and the pages rendered from it.

Only visible steps are read here: an internal step's name, its state and even how many there
are never reach the renderer, so no page can give them away.

A rendered page is kept per (token, page kind) with the versions it was rendered from: the
tracker's (every change counts it up) and its workspace's branding's. A view looks up the
token (one indexed query, hand-written: built by peewee it took 98 of the view's 110 us) and
serves the kept page while both versions match; a status change anywhere moves the tracker's
version, so every process renders again without being told.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from traciqo_rpc.statements import fetch

from .model import IN_PROGRESS, Tracker, TrackerStep
from .queries import FIND_BY_TOKEN, FoundByToken

# secrets.token_urlsafe(16) makes 22 characters; anything unlike a token is not looked up.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A rendered page is a few kilobytes: a few thousand stay well under 50 MB per process.
MAX_RENDERED_PAGES = 4096


@dataclass(frozen=True)
class PublicStep:
    name: str
    status: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class PublicTracker:
    """A tracker as its customer may see it: the visible steps, in order, and nothing else."""

    name: str
    status: str
    is_sandbox: bool
    completed_at: dt.datetime | None
    version: int
    steps: tuple[PublicStep, ...]

    @property
    def current(self) -> PublicStep | None:
        """The latest started visible step not yet completed (the tracker's own current step
        may be an internal one, which the customer must not see)."""
        started = [(s.started_at or dt.datetime.min, i, s) for i, s in enumerate(self.steps) if s.status == IN_PROGRESS]
        return max(started)[2] if started else None


def find(token: str) -> FoundByToken | None:
    """The tracker a public link names. Not scoped to a workspace: the token, 128 random bits,
    is the capability (as an upload's key is), and the unique index makes it one cheap read."""
    if not TOKEN.match(token):
        return None
    rows = fetch(FIND_BY_TOKEN, (token,))
    return rows[0] if rows else None


def load(tracker_id: int) -> PublicTracker | None:
    """The tracker and its visible steps. The row is read before its steps: a change committed
    between the two reads then leaves the older version on newer steps, so the next view renders
    again (the other order would keep stale steps under the newer version until the next change)."""
    tracker = Tracker.select().where(Tracker.id == tracker_id).first()
    if tracker is None:
        return None
    steps = (TrackerStep.select().where(TrackerStep.tracker_id == tracker_id, TrackerStep.visible)
             .order_by(TrackerStep.position))
    return PublicTracker(tracker.name, tracker.status, tracker.is_sandbox, tracker.completed_at, tracker.version,
                         tuple(PublicStep(s.name, s.status, s.started_at, s.completed_at) for s in steps))


class RenderedPages:
    """Rendered pages by key, each with the versions it was rendered from; at most
    `max_entries`, the least recently served dropped first. Safe across threads."""

    def __init__(self, max_entries: int = MAX_RENDERED_PAGES) -> None:
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Hashable, tuple[str, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, versions: Hashable) -> tuple[str, ...] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != versions:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, versions: Hashable, page: tuple[str, ...]) -> None:
        with self._lock:
            self._entries[key] = (versions, page)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


# One per process, like qr.render's cache: entries carry their versions, so what one process
# keeps is never wrong for another and needs no invalidation.
rendered_pages = RenderedPages()
