"""What the public tracking pages may show of a tracker, and the pages rendered from it.

Only visible steps are read here: an internal step's name, its state and even how many there
are never reach the renderer, so no page can give them away.

A rendered page is kept per (token, page kind) with the versions it was rendered from, the
tracker's (every change counts it up) and its workspace's branding's, in the process's kept
pages (traciqo_rpc/page_cache.py). Once that is no longer fresh, a view looks the token up
(one indexed query, hand-written: built by peewee it took 98 of the view's 110 us) and serves
the kept page while both versions match; a change in another process moves the version, so
every process renders again without being told.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch

from .model import IN_PROGRESS, Tracker, TrackerStep
from .queries import FIND_BY_TOKEN, FoundByToken

# secrets.token_urlsafe(16) makes 22 characters; anything unlike a token is not looked up.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# The pages kept per tracker, under (token, kind) in ctx.services.pages.
TRACK_PAGE, EMBED_PAGE = "track", "embed"
PAGE_KINDS = (TRACK_PAGE, EMBED_PAGE)


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


def forget_pages(ctx: RequestContext, *tokens: str) -> None:
    """Once the change commits, this process drops those trackers' kept pages (page_cache.py;
    other processes see the new version within a second)."""
    keys = [(token, kind) for token in tokens for kind in PAGE_KINDS]
    if keys:
        ctx.on_commit(lambda: ctx.services.pages.forget(*keys))
