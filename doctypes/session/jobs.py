from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from .service import prune


@background_job(transaction=False)  # each batch commits by itself (traciqo_rpc/retention.py)
def prune_sessions(ctx: RequestContext) -> int:
    """Scheduled: forget ended sessions and sign-in failures older than the throttle's window."""
    return prune(ctx.now())
