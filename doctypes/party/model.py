from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

CUSTOMER, VENDOR = "customer", "vendor"
ROLES = (CUSTOMER, VENDOR)


class Party(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)
    workspace_id = peewee.IntegerField()  # both indexes below start with it
    name = peewee.CharField(max_length=255)
    contact_info = peewee.TextField(default="")
    email = peewee.CharField(max_length=254, null=True)
    phone = peewee.CharField(max_length=40, null=True)
    # Comma-separated, e.g. from the customer tags of the serial numbers they registered.
    tags = peewee.CharField(max_length=1000, default="")
    # What the party is to the workspace: a set of ROLES, stored sorted and comma-separated
    # ("customer,vendor"); a party may be both (Racko's customers and vendors are parties).
    roles = peewee.CharField(max_length=40, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "name"), True),
            # Customers are found by email on every warranty activation and registration.
            # Then by name, the resource list's order: its pages filtered by email read in order (resource.py).
            (("workspace_id", "is_sandbox", "email", "name"), False),
        )
        retired_indexes = ("party_email", "party_workspace_id", "party_workspace_id_is_sandbox_email")
