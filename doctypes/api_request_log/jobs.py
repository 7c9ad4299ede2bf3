from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from .service import prune


@background_job(transaction=False)  # each batch commits by itself (traciqo_rpc/retention.py)
def prune_request_logs(ctx: RequestContext) -> int:
    """Scheduled: drop usage counts and recent calls past their retention."""
    return prune(ctx.now())
