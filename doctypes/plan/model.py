from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel


class Plan(BaseModel):
    name = peewee.CharField(primary_key=True, max_length=40)
    title = peewee.CharField(max_length=140)
    api_access = peewee.BooleanField(default=False)
    # Live authentication codes a workspace may hold; None means unlimited.
    code_limit = peewee.IntegerField(null=True)
    rate_limit_per_minute = peewee.IntegerField(default=100)
    # Live trackers not yet completed a workspace may hold; None means unlimited.
    tracker_limit = peewee.IntegerField(null=True)
