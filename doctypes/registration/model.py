from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

DEFAULT_FORM = "product-registration"


class RegistrationForm(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    slug = peewee.CharField(max_length=80)
    title = peewee.CharField(max_length=255)
    # JSON list of {"name", "type", "required", "options"}: the extra fields the form asks for.
    fields = peewee.TextField(default="[]")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "slug"), True),)


class Registration(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)
    workspace_id = peewee.IntegerField()  # every index below starts with it
    form_slug = peewee.CharField(max_length=80)
    email = peewee.CharField(max_length=254)
    name = peewee.CharField(max_length=255)
    phone = peewee.CharField(max_length=40, null=True)
    serial_number = peewee.CharField(max_length=100, null=True)
    warranty_id = peewee.CharField(max_length=32, null=True)
    purchase_date = peewee.DateField(null=True)
    receipt_url = peewee.CharField(max_length=1000, null=True)
    # JSON object of the form's extra fields.
    fields = peewee.TextField(default="{}")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        # Each filter of a list continues with the creation sequence (time-first ids): its pages
        # read in order, newest first too (resource.py, list_registrations).
        indexes = (
            (("workspace_id", "is_sandbox", "id"), False),
            (("workspace_id", "is_sandbox", "email", "id"), False),
            (("workspace_id", "is_sandbox", "form_slug", "id"), False),
        )
        retired_indexes = ("registration_email", "registration_workspace_id")
