"""The trackers' hot statements (see traciqo_rpc/statements.py for why they are hand-written):
a status update locks its tracker, reads its steps and writes the step and the tracker's
summary; a view of the public page looks its token up. Built with peewee, building the queries
took ten times as long as running them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from traciqo_rpc.statements import read_datetime, tenant, unscoped


@dataclass(slots=True)
class Step:
    """A tracker's step as STEPS reads it; a status update changes it in place."""

    id: int
    tracker_id: int
    position: int
    name: str
    visible: bool
    status: str
    started_at: dt.datetime | None
    completed_at: dt.datetime | None

    def __post_init__(self) -> None:  # as SQLite returns them: 0/1 and ISO text
        self.visible = bool(self.visible)
        self.started_at, self.completed_at = read_datetime(self.started_at), read_datetime(self.completed_at)


@dataclass(slots=True)
class LockedTracker:
    """A tracker as LOCK_TRACKER returns it; a status update changes it in place as its steps move."""

    id: int
    number: int
    name: str
    reference: str | None
    customer_email: str | None
    template: str | None
    strict_order: bool
    token: str
    status: str
    current_process: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.strict_order = bool(self.strict_order)
        self.created_at, self.updated_at = read_datetime(self.created_at), read_datetime(self.updated_at)
        self.completed_at = read_datetime(self.completed_at)


class FoundByToken(NamedTuple):
    id: int
    version: int
    workspace_id: int
    is_sandbox: bool


# Counting the version up is the lock: a second update of the tracker (another process, another
# writer thread) waits here until the first commits, then reads the steps as it left them.
LOCK_TRACKER = tenant("""
UPDATE tracker SET version = version + 1 WHERE {scope} AND id = ?
RETURNING id, number, name, reference, customer_email, template, strict_order, token, status,
          current_process, created_at, updated_at, completed_at""", row=LockedTracker)
STEPS = unscoped("""
SELECT id, tracker_id, position, name, visible, status, started_at, completed_at
FROM tracker_step WHERE tracker_id IN ({values}) ORDER BY tracker_id, position""",
    why="the steps of trackers this batch locked through LOCK_TRACKER, in their scope", row=Step)
SAVE_STEP = unscoped("UPDATE tracker_step SET status = ?, started_at = ?, completed_at = ? WHERE id = ?",
                     why="steps read through STEPS")
SAVE_TRACKER = unscoped("UPDATE tracker SET status = ?, current_process = ?, completed_at = ?, updated_at = ? WHERE id = ?",
                        why="trackers this batch locked through LOCK_TRACKER, in their scope")

FIND_BY_TOKEN = unscoped("SELECT id, version, workspace_id, is_sandbox FROM tracker WHERE token = ?",
                         why="the public page's link: the token (128 random bits) is the capability", row=FoundByToken)
