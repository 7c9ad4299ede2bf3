from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, TenantModel, utcnow


class TrackerTemplate(TenantModel):
    """A workspace's own template; one with a shared template's slug is used instead of it."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    slug = peewee.CharField(max_length=80)
    name = peewee.CharField(max_length=140)
    steps = peewee.TextField()  # JSON list of {"name", "visible"}, in order
    strict_order = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "slug"), True),)


class SharedTemplate(BaseModel):
    """The templates every workspace has, from fixtures/tracker_templates.json."""

    slug = peewee.CharField(primary_key=True, max_length=80)
    name = peewee.CharField(max_length=140)
    steps = peewee.TextField()
    strict_order = peewee.BooleanField(default=False)
