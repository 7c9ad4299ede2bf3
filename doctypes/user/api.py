"""A workspace's members (invite, list, change role, remove) and password resets."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from traciqo_rpc import RequestContext, whitelist
from traciqo_rpc.sessions import SignedIn

from . import members
from .schema import (
    AcceptArgs,
    InviteArgs,
    Invited,
    MemberArgs,
    Members,
    PasswordChanged,
    Removed,
    ResetArgs,
    ResetRequestArgs,
    ResetRequested,
    RoleArgs,
    RoleChanged,
)


@whitelist(methods=["POST"], schema=InviteArgs, right="members", returns=Invited)
def invite_member(ctx: RequestContext, email: str, role: str) -> dict[str, Any]:
    """Email an invitation to join this workspace with a role (the link works for 7 days)."""
    return members.invite(ctx, email, role)


@whitelist(methods=["GET"], returns=Members)
def list_members(ctx: RequestContext) -> dict[str, Any]:
    """The workspace's members and the invitations still pending."""
    return members.members(ctx)


@whitelist(methods=["POST"], schema=RoleArgs, right="members", returns=RoleChanged)
def change_role(ctx: RequestContext, email: str, role: str) -> dict[str, Any]:
    """Give a member another role (the last owner stays owner)."""
    return members.change_role(ctx, email, role)


@whitelist(methods=["POST"], schema=MemberArgs, right="members", returns=Removed)
def remove_member(ctx: RequestContext, email: str) -> dict[str, Any]:
    """Remove a member; their sessions in this workspace end (the last owner stays)."""
    return members.remove(ctx, email)


@whitelist(methods=["POST"], allow_guest=True, schema=AcceptArgs, guest_rate_limit=30, also_answers=(401, 409),
           returns=fields.String())
def accept_invitation(ctx: RequestContext, token: str, password: str, full_name: str | None) -> SignedIn:
    """Join through an invitation link: a new account with this password, or your existing one
    (its password); signs you in to the workspace."""
    return members.accept(ctx, token, password, full_name)


@whitelist(methods=["POST"], allow_guest=True, schema=ResetRequestArgs, guest_rate_limit=10, returns=ResetRequested)
def request_password_reset(ctx: RequestContext, email: str) -> dict[str, Any]:
    """Email a link to choose a new password (valid for an hour, once); the same answer for any email."""
    return members.request_reset(ctx, email)


@whitelist(methods=["POST"], allow_guest=True, schema=ResetArgs, guest_rate_limit=10, returns=PasswordChanged)
def reset_password(ctx: RequestContext, token: str, password: str) -> dict[str, Any]:
    """A new password through a reset link; every session of the account ends."""
    return members.reset(ctx, token, password)
