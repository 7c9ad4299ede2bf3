"""Production trackers: created with their template's steps, read, listed, renamed, deleted,
and the shapes answers and events show them in. Their steps move in moves.py."""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Sequence
from typing import Any

import peewee

from doctypes.plan.model import Plan
from doctypes.tracker_template import service as templates
from doctypes.workspace.model import Workspace
from traciqo_rpc import db, errors, publish
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate

from . import public
from .model import COMPLETED, Tracker, TrackerStep
from .queries import LockedTracker, Step

# A tracker created without a template gets Tracee's own workflow.
DEFAULT_TEMPLATE = "3d-printing"


class TrackerNotFound(errors.DoesNotExistError):
    """No tracker with that id in the caller's workspace and environment."""


class TrackerLimitExceeded(errors.LimitExceeded):
    """The plan's limit on live trackers not yet completed is reached."""


def create_tracker(ctx: RequestContext, name: str, template: str | None, reference: str | None,
                   customer_email: str | None) -> dict[str, Any]:
    chosen = templates.require(ctx, template or DEFAULT_TEMPLATE)
    if not ctx.is_sandbox:
        _check_tracker_limit(ctx)
    tracker = _insert_numbered(ctx, name=name, reference=reference, template=chosen.slug,
                               customer_email=customer_email.lower() if customer_email else None,
                               strict_order=chosen.strict_order, token=secrets.token_urlsafe(16))
    steps = json.loads(chosen.steps)
    TrackerStep.insert_many([{"tracker_id": tracker.id, "position": i, "name": s["name"], "visible": s["visible"]}
                             for i, s in enumerate(steps, 1)]).execute()
    publish(ctx, "tracker:created", event_data(ctx, tracker))
    return created_dict(ctx, tracker)


def _check_tracker_limit(ctx: RequestContext) -> None:
    """Live trackers not yet completed, against the plan. The workspace row is locked first, so
    concurrent creations are counted one after another and never pass the limit together."""
    principal = ctx.require_principal()
    limit = Plan.select(Plan.tracker_limit).where(Plan.name == principal.plan).scalar()
    if limit is None:
        return
    Workspace.update(plan=Workspace.plan).where(Workspace.id == principal.workspace_id).execute()
    active = Tracker.scoped(ctx).where(Tracker.status != COMPLETED).count()
    if active >= limit:
        raise TrackerLimitExceeded(f"Plan limit reached: {limit} trackers in progress",
                                   field_errors={"name": [f"At most {limit} trackers not yet completed on this plan; "
                                                          "complete or delete some."]})


def _insert_numbered(ctx: RequestContext, attempts: int = 5, **values: Any) -> Tracker:
    """The next number of the workspace and environment; the unique index decides a race."""
    for _ in range(attempts):
        number = (Tracker.scoped(ctx, peewee.fn.MAX(Tracker.number)).scalar() or 0) + 1
        try:
            with db.database.atomic():  # a savepoint: a lost race must not poison the transaction
                return Tracker.create(number=number, **values, **Tracker.scope_values(ctx))
        except peewee.IntegrityError:
            continue
    raise RuntimeError(f"could not number a tracker after {attempts} attempts")


def get_tracker(ctx: RequestContext, tracker_id: int) -> dict[str, Any]:
    tracker = find_tracker(ctx, tracker_id)
    return tracker_dict(ctx, tracker, _steps(tracker))


# The orders a list offers (records.ordered): ids count up as trackers are made.
ORDERS = {"created": (Tracker.id,), "number": (Tracker.number,)}


def list_trackers(ctx: RequestContext, limit: int, offset: int, status: str | None = None,
                  template: str | None = None, reference: str | None = None, created_after: Any = None,
                  created_before: Any = None, order: str = "-created") -> dict[str, Any]:
    """Newest first."""
    query = ordered(Tracker.scoped(ctx), ORDERS, order)
    for column, value in ((Tracker.status, status), (Tracker.template, template), (Tracker.reference, reference)):
        if value is not None:
            query = query.where(column == value)
    if created_after is not None:
        query = query.where(Tracker.created_at >= created_after)
    if created_before is not None:
        query = query.where(Tracker.created_at < created_before)
    page = paginate(query, limit, offset, lambda tracker: tracker)
    steps = _steps_of([tracker.id for tracker in page["data"]])
    page["data"] = [tracker_dict(ctx, tracker, steps.get(tracker.id, [])) for tracker in page["data"]]
    return page


def update_tracker(ctx: RequestContext, tracker_id: int, **changes: Any) -> dict[str, Any]:
    if changes.get("customer_email"):
        changes["customer_email"] = changes["customer_email"].lower()
    touched = Tracker.update(**changes, version=Tracker.version + 1, updated_at=ctx.now()).where(
        Tracker.id == tracker_id, *_scope(ctx)).execute()
    if not touched:
        raise TrackerNotFound(f"Tracker {tracker_id} not found")
    changed = get_tracker(ctx, tracker_id)
    public.forget_pages(ctx, changed["tracking_token"])
    return changed


def delete_tracker(ctx: RequestContext, tracker_id: int) -> dict[str, Any]:
    """The tracker's row goes first: a status update locks that row before it touches a step,
    so the two take their locks in the same order and never wait on each other in a circle."""
    deleted = Tracker.delete().where(Tracker.id == tracker_id, *_scope(ctx)).returning(Tracker.token).tuples()
    tokens = [token for token, in deleted.execute()]
    if not tokens:
        raise TrackerNotFound(f"Tracker {tracker_id} not found")
    TrackerStep.delete().where(TrackerStep.tracker_id == tracker_id).execute()
    public.forget_pages(ctx, *tokens)
    return {"deleted": tracker_id}


def tracking_url(ctx: RequestContext, token: str) -> str:
    return f"{ctx.services.settings.base_url}/track/{token}"


def created_dict(ctx: RequestContext, tracker: Tracker | LockedTracker) -> dict[str, Any]:
    base = ctx.services.settings.base_url
    embed = f"{base}/embed/{tracker.token}"
    return {
        "id": tracker.id, "number": tracker.number, "name": tracker.name,
        "tracking_url": tracking_url(ctx, tracker.token),
        "api_url": f"{base}/api/v1/trackers/{tracker.id}/",
        "embed_code": f'<iframe src="{html.escape(embed)}" title="{html.escape(tracker.name)}" width="100%" '
                      'height="400" style="border:0;border-radius:12px" loading="lazy"></iframe>',
        "qr_code_url": f"{tracking_url(ctx, tracker.token)}/qr.png",
        "tracking_token": tracker.token,
    }


def tracker_dict(ctx: RequestContext, tracker: Tracker | LockedTracker,
                 steps: Sequence[TrackerStep | Step]) -> dict[str, Any]:
    return {
        **created_dict(ctx, tracker),
        "reference": tracker.reference, "customer_email": tracker.customer_email, "template": tracker.template,
        "strict_order": tracker.strict_order, "status": tracker.status, "current_process": tracker.current_process,
        "is_completed": tracker.status == COMPLETED,
        "history": [{"process": s.name, "status": s.status, "visible": s.visible, "started_at": s.started_at,
                     "completed_at": s.completed_at} for s in steps],
        "created_at": tracker.created_at, "updated_at": tracker.updated_at, "completed_at": tracker.completed_at,
    }


def event_data(ctx: RequestContext, tracker: Tracker | LockedTracker) -> dict[str, Any]:
    return {"id": tracker.id, "number": tracker.number, "name": tracker.name, "reference": tracker.reference,
            "status": tracker.status, "current_process": tracker.current_process,
            "is_completed": tracker.status == COMPLETED, "tracking_url": tracking_url(ctx, tracker.token)}


def _scope(ctx: RequestContext) -> tuple[Any, ...]:
    principal = ctx.require_principal()
    return Tracker.workspace_id == principal.workspace_id, Tracker.is_sandbox == principal.is_sandbox


def find_tracker(ctx: RequestContext, tracker_id: int) -> Tracker:
    tracker = Tracker.scoped(ctx).where(Tracker.id == tracker_id).first()
    if tracker is None:
        raise TrackerNotFound(f"Tracker {tracker_id} not found")
    return tracker


def _steps(tracker: Tracker) -> list[TrackerStep]:
    return list(TrackerStep.select().where(TrackerStep.tracker_id == tracker.id).order_by(TrackerStep.position))


def _steps_of(tracker_ids: list[int]) -> dict[int, list[TrackerStep]]:
    found: dict[int, list[TrackerStep]] = {}
    if tracker_ids:
        query = TrackerStep.select().where(TrackerStep.tracker_id.in_(tracker_ids))
        for step in query.order_by(TrackerStep.tracker_id, TrackerStep.position):
            found.setdefault(step.tracker_id, []).append(step)
    return found
