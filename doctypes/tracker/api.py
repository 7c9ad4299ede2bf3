"""Production trackers (Tracee): create one per order, start and complete its steps, share its page."""

from __future__ import annotations

from typing import Any

from doctypes.auth_code import qr
from traciqo_rpc import File, FileResult, RequestContext, whitelist

from . import moves, service
from .schema import (
    CreateTrackerArgs,
    ListTrackersArgs,
    QrArgs,
    TrackerCreated,
    TrackerDeleted,
    TrackerInfo,
    TrackerPage,
    TrackerRefArgs,
    UpdateStatusArgs,
    UpdateTrackerArgs,
)


@whitelist(methods=["POST"], schema=CreateTrackerArgs, returns=TrackerCreated)
def create_tracker(ctx: RequestContext, name: str, template: str | None, reference: str | None,
                   customer_email: str | None) -> dict[str, Any]:
    """A tracker with its template's steps (the 3d-printing template when none is named), and
    the links to give its customer."""
    return service.create_tracker(ctx, name, template, reference, customer_email)


@whitelist(methods=["POST"], schema=UpdateStatusArgs, batch=moves.update_many, returns=TrackerInfo)
def update_status(ctx: RequestContext, tracker_id: int, process: str, action: str) -> moves.StatusUpdate:
    """Start or complete the step named `process`, in any order unless the template is strict
    (the updates of a batch are made together by update_many)."""
    return moves.StatusUpdate(ctx, tracker_id, process, action)


@whitelist(methods=["GET"], schema=TrackerRefArgs, returns=TrackerInfo)
def get_tracker(ctx: RequestContext, tracker_id: int) -> dict[str, Any]:
    """One tracker with every step's state (`history`), internal steps included."""
    return service.get_tracker(ctx, tracker_id)


@whitelist(methods=["GET"], schema=ListTrackersArgs, returns=TrackerPage)
def list_trackers(ctx: RequestContext, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """Trackers, newest first, by status, template, reference or creation time."""
    return service.list_trackers(ctx, limit, offset, **filters)


@whitelist(methods=["POST"], schema=UpdateTrackerArgs, returns=TrackerInfo)
def update_tracker(ctx: RequestContext, tracker_id: int, **changes: Any) -> dict[str, Any]:
    return service.update_tracker(ctx, tracker_id, **changes)


@whitelist(methods=["POST", "DELETE"], schema=TrackerRefArgs, returns=TrackerDeleted)
def delete_tracker(ctx: RequestContext, tracker_id: int) -> dict[str, Any]:
    """Delete a tracker; its page answers 404 from then on."""
    return service.delete_tracker(ctx, tracker_id)


@whitelist(methods=["GET"], schema=QrArgs, returns=File("image/png", "image/svg+xml"))
def get_tracker_qr(ctx: RequestContext, tracker_id: int, format: str, size: int) -> FileResult:
    """The QR image of the tracker's public page, for packing slips and labels."""
    tracker = service.find_tracker(ctx, tracker_id)
    url = service.tracking_url(ctx, tracker.token)
    return FileResult(qr.render(url, format, size), "image/svg+xml" if format == "svg" else "image/png",
                      max_age=86400)
