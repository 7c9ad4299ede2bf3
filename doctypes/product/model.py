from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Product(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)
    sku_number = peewee.IntegerField()
    name = peewee.CharField(max_length=255)
    description = peewee.TextField(default="")
    brand = peewee.CharField(max_length=255, default="")
    price = peewee.DecimalField(max_digits=14, decimal_places=2, default=0)
    gtin = peewee.CharField(max_length=14, null=True)
    warranty_months = peewee.IntegerField(default=12)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "name"), True),
            (("workspace_id", "is_sandbox", "sku_number"), True),
        )

    @property
    def sku(self) -> str:
        return f"PRD-{self.sku_number:05d}"
