from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Branding(TenantModel):
    """How a workspace's public pages look (Tracee's white label): one row per workspace and
    environment, none until the first update; a null field means the page's default."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    display_name = peewee.CharField(max_length=80, null=True)
    logo_url = peewee.CharField(max_length=2000, null=True)  # always one of our own /files/ URLs
    accent_color = peewee.CharField(max_length=7, null=True)  # #rrggbb, lower case
    support_url = peewee.CharField(max_length=2000, null=True)
    # Counts changes: part of the key under which the public pages keep their rendered HTML.
    version = peewee.IntegerField(default=0)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox"), True),)
