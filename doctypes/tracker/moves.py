"""Starting and completing a tracker's steps: the rule, and `update_many`, which applies a batch
of status updates (the writer's group commit) in hand-written SQL (queries.py).

The rule (`move`): steps start and complete in any order, unless the tracker's template is
strict, and then a step moves only once every step before it is completed. Completing a step
never started records both times; a second start or a second complete is 409. The tracker's
current step is the latest started one not yet completed.

`update_many` locks each tracker of the batch once (in id order, so two writers never wait on
each other in a circle), reads all their steps with one statement, applies the updates in
order in memory, so two updates of one tracker in a batch see each other, and writes every
changed step and tracker at the end. A refusal (no such tracker, unknown step, out of order,
already there) is found before anything is written for it and comes back in its place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from traciqo_rpc import errors, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch, run_many

from . import public, queries
from .model import COMPLETED, IN_PROGRESS, PENDING
from .queries import LockedTracker, Step
from .service import TrackerNotFound, event_data, tracker_dict


class UnknownProcess(errors.ValidationError):
    """A status update names a step the tracker does not have."""


class OutOfOrder(errors.ValidationError):
    """A strict tracker's step moves before the steps ahead of it are completed."""


class StepAlreadyThere(errors.DuplicateEntryError):
    """The step is already started (a second start) or completed (a second complete)."""


class StatusUpdate(NamedTuple):
    """One update asked for: by whom (the key's workspace and environment), which step, which way."""

    ctx: RequestContext
    tracker_id: int
    process: str
    action: str  # start | complete


def move(tracker: LockedTracker, process: str, action: str, now: dt.datetime) -> Step:
    """Start or complete the step named `process` (any case), then sum the tracker up."""
    step = _step_named(tracker.steps, process)
    if tracker.strict_order:
        waiting = [s.name for s in tracker.steps if s.position < step.position and s.status != COMPLETED]
        if waiting:
            raise OutOfOrder(f"{step.name!r} cannot {action} before {', '.join(map(repr, waiting))} "
                             "complete (this tracker's template keeps its steps in order)",
                             field_errors={"process": [f"Complete {waiting[0]!r} first."]})
    if action == "start":
        if step.status != PENDING:
            raise StepAlreadyThere(f"{step.name!r} is already {step.status.replace('_', ' ')}")
        step.status, step.started_at = IN_PROGRESS, now
    else:
        if step.status == COMPLETED:
            raise StepAlreadyThere(f"{step.name!r} is already completed")
        step.status, step.completed_at, step.started_at = COMPLETED, now, step.started_at or now
    _summarise(tracker, now)
    return step


def _step_named(steps: list[Step], process: str) -> Step:
    wanted = process.strip().casefold()
    for step in steps:
        if step.name.casefold() == wanted:
            return step
    names = ", ".join(s.name for s in steps)
    raise UnknownProcess(f"This tracker has no step {process!r}", field_errors={"process": [f"One of: {names}."]})


def _summarise(tracker: LockedTracker, now: dt.datetime) -> None:
    """The tracker's status and current step from its steps."""
    started = [s for s in tracker.steps if s.status == IN_PROGRESS]
    tracker.current_process = max(started, key=lambda s: (s.started_at, s.position)).name if started else None
    if tracker.steps and all(s.status == COMPLETED for s in tracker.steps):
        tracker.status, tracker.completed_at = COMPLETED, tracker.completed_at or now
    else:
        tracker.status = IN_PROGRESS if any(s.status != PENDING for s in tracker.steps) else PENDING
        tracker.completed_at = None
    tracker.updated_at = now


def update_many(updates: Sequence[StatusUpdate]) -> list[dict[str, Any] | errors.TraciqoError]:
    """Apply each update in order, in the caller's transaction; a refused update's place holds
    its error. The one form of a status update: update_status hands it its batch's updates."""
    if not updates:
        return []
    now = updates[0].ctx.now()
    trackers = _lock(updates)
    outcomes: list[dict[str, Any] | errors.TraciqoError] = []
    moved_steps: dict[int, Step] = {}
    moved_trackers: dict[int, LockedTracker] = {}
    events: list[tuple[RequestContext, str, dict[str, Any]]] = []
    for update in updates:
        tracker = trackers.get((_scope(update.ctx), update.tracker_id))
        if tracker is None:
            outcomes.append(TrackerNotFound(f"Tracker {update.tracker_id} not found"))
            continue
        was_completed = tracker.status == COMPLETED
        try:
            step = move(tracker, update.process, update.action, now)
        except (UnknownProcess, OutOfOrder, StepAlreadyThere) as refusal:
            outcomes.append(refusal)
            continue
        moved_steps[step.id], moved_trackers[tracker.id] = step, tracker
        events.append((update.ctx, "tracker:status_changed", {
            **event_data(update.ctx, tracker), "process": step.name, "action": update.action,
            "step_status": step.status}))
        if tracker.status == COMPLETED and not was_completed:
            events.append((update.ctx, "tracker:completed", event_data(update.ctx, tracker)))
        outcomes.append(tracker_dict(update.ctx, tracker, tracker.steps))
    run_many(queries.SAVE_STEP, [(s.status, s.started_at, s.completed_at, s.id) for s in moved_steps.values()])
    run_many(queries.SAVE_TRACKER, [(t.status, t.current_process, t.completed_at, t.updated_at, t.id)
                                    for t in moved_trackers.values()])
    publish_many(events)
    public.forget_pages(updates[0].ctx, *(tracker.token for tracker in moved_trackers.values()))
    return outcomes


def _scope(ctx: RequestContext) -> tuple[int, bool]:
    principal = ctx.require_principal()
    return principal.workspace_id, principal.is_sandbox


def _lock(updates: Sequence[StatusUpdate]) -> dict[tuple[tuple[int, bool], int], LockedTracker]:
    """The batch's trackers, each locked by one statement in id order, with their steps."""
    wanted = sorted({(update.tracker_id, _scope(update.ctx)) for update in updates})
    trackers: dict[tuple[tuple[int, bool], int], LockedTracker] = {}
    for tracker_id, scope in wanted:
        for tracker in fetch(queries.LOCK_TRACKER, (tracker_id,), scope):
            trackers[scope, tracker_id] = tracker
    by_id = {tracker.id: tracker for tracker in trackers.values()}
    if by_id:
        for step in fetch(queries.STEPS, list(by_id), values=len(by_id)):
            by_id[step.tracker_id].steps.append(step)
    return trackers
