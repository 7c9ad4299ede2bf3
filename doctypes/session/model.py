from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, utcnow


class Session(BaseModel):
    """A signed-in person's session: the workspace and environment they are working in, and
    the CSRF token their forms carry. Deleting the row signs them out everywhere at once."""

    id = peewee.AutoField()
    token_hash = peewee.CharField(max_length=64, unique=True)  # SHA-256 of the cookie's token
    user_id = peewee.IntegerField(index=True)
    workspace_id = peewee.IntegerField()
    is_sandbox = peewee.BooleanField(default=False)
    csrf_token = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=utcnow)
    expires_at = peewee.DateTimeField()
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=255, null=True)


class LoginFailure(BaseModel):
    """A failed sign-in, counted per account and per address to throttle guessing."""

    id = peewee.AutoField()
    email = peewee.CharField(max_length=254)  # as tried, lower case
    ip = peewee.CharField(max_length=64, null=True)
    failed_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("email", "failed_at"), False), (("ip", "failed_at"), False))
