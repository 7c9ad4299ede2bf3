"""A workspace's members (invite, list, change role, remove) and password resets."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from doctypes.session.service import NotSignedIn
from traciqo_rpc import RequestContext, whitelist
from traciqo_rpc.sessions import SignedIn

from . import members, second_factor
from .model import User
from .schema import (
    AcceptArgs,
    CodeArgs,
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
    SecondFactorSetUp,
    SecondFactorState,
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
def accept_invitation(ctx: RequestContext, token: str, password: str, full_name: str | None,
                      otp: str | None) -> SignedIn:
    """Join through an invitation link: a new account with this password, or your existing one
    (its password, and `otp` if its second factor is on); signs you in to the workspace."""
    return members.accept(ctx, token, password, full_name, otp)


@whitelist(methods=["POST"], allow_guest=True, schema=ResetRequestArgs, guest_rate_limit=10, returns=ResetRequested)
def request_password_reset(ctx: RequestContext, email: str) -> dict[str, Any]:
    """Email a link to choose a new password (valid for an hour, once); the same answer for any email."""
    return members.request_reset(ctx, email)


@whitelist(methods=["POST"], allow_guest=True, schema=ResetArgs, guest_rate_limit=10, returns=PasswordChanged)
def reset_password(ctx: RequestContext, token: str, password: str) -> dict[str, Any]:
    """A new password through a reset link; every session of the account ends."""
    return members.reset(ctx, token, password)


@whitelist(methods=["POST"], right="read", any_workspace_state=True, returns=SecondFactorSetUp)
def set_up_second_factor(ctx: RequestContext) -> dict[str, Any]:
    """A new secret for your authenticator app (`otpauth_uri` for its QR); on once confirmed.
    Any role may secure its own account: the right needed is read."""
    return second_factor.set_up(_me(ctx))


@whitelist(methods=["POST"], schema=CodeArgs, right="read", any_workspace_state=True, returns=SecondFactorState)
def confirm_second_factor(ctx: RequestContext, code: str) -> dict[str, Any]:
    """Turn the second factor on with a code from the app for the new secret."""
    return second_factor.confirm(_me(ctx), code)


@whitelist(methods=["POST"], schema=CodeArgs, right="read", any_workspace_state=True, returns=SecondFactorState)
def turn_off_second_factor(ctx: RequestContext, code: str) -> dict[str, Any]:
    """Turn the second factor off with a current code."""
    return second_factor.turn_off(_me(ctx), code)


def _me(ctx: RequestContext) -> User:
    principal = ctx.require_principal()
    if not principal.is_person:
        raise NotSignedIn("This is a dashboard session's method: sign in (POST /api/method/login)")
    return User.get_by_id(principal.user_id)
