from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from .service import prune


@background_job
def prune_idempotency_keys(ctx: RequestContext) -> int:
    """Scheduled: forget idempotency keys after their 24 hours."""
    return prune(ctx.now())
