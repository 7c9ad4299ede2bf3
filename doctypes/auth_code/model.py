from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

ACTIVE, VOID = "active", "void"


class CodeBatch(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    name = peewee.CharField(max_length=140)
    product_id = peewee.CharField(max_length=32, null=True)
    quantity = peewee.IntegerField(default=0)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        # Each filter of a resource list continues with the creation sequence: its pages read in order (resource.py).
        indexes = ((("workspace_id", "is_sandbox", "name"), True), (("workspace_id", "is_sandbox", "product_id", "id"), False))
        retired_indexes = ("code_batch_product_id",)


class AuthCode(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    # Normalised (no separators); unique across all workspaces so a bare scan resolves it.
    code = peewee.CharField(max_length=20, unique=True)
    batch_id = peewee.IntegerField()
    product_id = peewee.CharField(max_length=32, null=True)
    status = peewee.CharField(max_length=8, default=ACTIVE)
    scan_count = peewee.IntegerField(default=0)
    first_scanned_at = peewee.DateTimeField(null=True)
    last_scanned_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    voided_at = peewee.DateTimeField(null=True)
    void_reason = peewee.CharField(max_length=255, null=True)

    class Meta:
        # Each filter of a resource list continues with the creation sequence: its pages read in order (resource.py).
        indexes = ((("workspace_id", "is_sandbox", "batch_id", "id"), False), (("workspace_id", "is_sandbox", "product_id", "id"), False))
        retired_indexes = ("auth_code_batch_id", "auth_code_product_id")
