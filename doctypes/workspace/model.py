from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, utcnow

ACTIVE, FROZEN = "active", "frozen"


class Workspace(BaseModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    name = peewee.CharField(unique=True, max_length=140)
    plan = peewee.CharField(max_length=40, index=True)
    status = peewee.CharField(max_length=16, default=ACTIVE)
    created_at = peewee.DateTimeField(default=utcnow)
    # First characters of every authentication code; set when the first codes are issued.
    code_prefix = peewee.CharField(max_length=4, default="")
    # Live codes issued so far, checked against the plan's code_limit in one conditional UPDATE.
    live_codes_issued = peewee.IntegerField(default=0)
