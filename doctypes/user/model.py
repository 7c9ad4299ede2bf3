from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, utcnow


class User(BaseModel):
    """A person who signs in to the dashboard; belongs to workspaces through Membership."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    email = peewee.CharField(max_length=254, unique=True)  # lower case
    full_name = peewee.CharField(max_length=140, default="")
    password_hash = peewee.CharField(max_length=255)
    created_at = peewee.DateTimeField(default=utcnow)
    last_login_at = peewee.DateTimeField(null=True)
    # The optional second factor (second_factor.py): a secret waiting for its first code, the
    # secret in use, and the last time step a code was accepted for (a code works once).
    totp_pending_secret = peewee.CharField(max_length=64, null=True)
    totp_secret = peewee.CharField(max_length=64, null=True)
    totp_last_step = peewee.BigIntegerField(default=0)

    class Meta:
        table_name = "user_account"  # "user" is a reserved word in PostgreSQL (and SQL)


class Membership(BaseModel):
    """A user's role in one workspace (roles.py)."""

    id = peewee.AutoField()
    user_id = peewee.IntegerField()
    workspace_id = peewee.IntegerField(index=True)
    role = peewee.CharField(max_length=16)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user_id", "workspace_id"), True),)


class Invitation(BaseModel):
    """An invitation to join a workspace with a role, accepted through a signed, expiring link."""

    id = peewee.AutoField()
    workspace_id = peewee.IntegerField()
    email = peewee.CharField(max_length=254)  # lower case
    role = peewee.CharField(max_length=16)
    invited_by = peewee.IntegerField()  # a user id
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    accepted_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace_id", "email"), False),)
