from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from . import retention


@background_job(transaction=False)  # each batch commits by itself, its files deleted after (retention.py)
def prune_uploads(ctx: RequestContext) -> int:
    """Scheduled: delete uploads nothing refers to, TRACIQO_RETAIN_UNATTACHED_UPLOADS_HOURS after
    they came."""
    return retention.prune(ctx, ctx.services.settings.retain_unattached_uploads_hours)
