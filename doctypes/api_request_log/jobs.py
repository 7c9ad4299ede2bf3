from __future__ import annotations

import datetime as dt

from traciqo_rpc import RequestContext, background_job
from traciqo_rpc.db import utcnow

from .service import RETENTION_DAYS, prune_before


@background_job
def prune_request_logs(ctx: RequestContext) -> int:
    """Scheduled: drop request log rows older than the retention period."""
    return prune_before(utcnow() - dt.timedelta(days=RETENTION_DAYS))
