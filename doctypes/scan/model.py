from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow
from traciqo_rpc.statements import run

from .queries import FILL_SCAN_COUNTRY_DAYS, FILL_SCAN_DAYS


class Scan(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    code_id = peewee.IntegerField()
    scanned_at = peewee.DateTimeField(default=utcnow)
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=512, null=True)
    lat = peewee.FloatField(null=True)
    lon = peewee.FloatField(null=True)
    country = peewee.CharField(max_length=2, null=True)
    source = peewee.CharField(max_length=8, default="api")  # api | page
    verdict = peewee.CharField(max_length=16)
    reasons = peewee.TextField(null=True)  # why it looked suspicious (a JSON list of sentences); None when it did not

    class Meta:
        # Each filter of a resource list continues with the creation sequence: its pages read in order (resource.py).
        indexes = ((("workspace_id", "is_sandbox", "code_id", "id"), False),
                   (("workspace_id", "is_sandbox", "id"), False))  # newest first (the id's order), unfiltered
        retired_indexes = ("scan_code_id",)


class ScanDay(TenantModel):
    """Scans of one day with one verdict, kept in each scan's transaction: the dashboard's charts
    and totals read these, so they cost the same at a million scans as at a thousand (a chart of
    30 days reads at most 30 x 4 rows)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    day = peewee.DateField()  # UTC
    verdict = peewee.CharField(max_length=16)
    scans = peewee.IntegerField(default=0)

    class Meta:
        table_name = "scan_day"
        indexes = ((("workspace_id", "is_sandbox", "day", "verdict"), True),)

    @classmethod
    def fill_new_table(cls) -> None:
        """An install that had scans before this table existed: count them once (db.migrate)."""
        run(FILL_SCAN_DAYS)


class ScanCountryDay(TenantModel):
    """Scans of one day from one country (scans that said where they were), kept like ScanDay:
    the dashboard's countries read these."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    day = peewee.DateField()  # UTC
    country = peewee.CharField(max_length=2)
    scans = peewee.IntegerField(default=0)

    class Meta:
        table_name = "scan_country_day"
        indexes = ((("workspace_id", "is_sandbox", "day", "country"), True),)

    @classmethod
    def fill_new_table(cls) -> None:
        run(FILL_SCAN_COUNTRY_DAYS)
