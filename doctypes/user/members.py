"""A workspace's members: invitations by email (accepted through a signed, expiring link),
roles changed, members removed; a workspace always keeps an owner. And password resets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from doctypes.email.service import queue_emails
from doctypes.session.model import Session
from doctypes.session.service import start_session
from doctypes.workspace.model import Workspace
from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.sessions import SignedIn

from . import links, passwords, second_factor, service
from .model import Invitation, Membership, User
from .roles import OWNER


class AlreadyAMember(errors.DuplicateEntryError):
    """The invited email belongs to a member already."""


class MemberNotFound(errors.DoesNotExistError):
    """No member of this workspace has that email."""


class LastOwner(errors.ValidationError):
    """The change would leave the workspace without an owner."""


class InvitationInvalid(errors.ValidationError):
    """The link is tampered with, expired, used, or withdrawn."""


class ResetLinkInvalid(errors.ValidationError):
    """The reset link is tampered with, expired or used."""


def invite(ctx: RequestContext, email: str, role: str) -> dict[str, Any]:
    """Invite `email` with `role`; a pending invitation for the same email is replaced."""
    principal = ctx.require_principal()
    email = email.strip().lower()
    if (Membership.select().join(User, on=(Membership.user_id == User.id))
            .where(Membership.workspace_id == principal.workspace_id, User.email == email).exists()):
        raise AlreadyAMember(f"{email} is a member already", field_errors={"email": ["A member already."]})
    now = ctx.now()
    Invitation.delete().where(Invitation.workspace_id == principal.workspace_id, Invitation.email == email,
                              Invitation.accepted_at.is_null()).execute()
    invitation = Invitation.create(workspace_id=principal.workspace_id, email=email, role=role,
                                   invited_by=principal.user_id, created_at=now,
                                   expires_at=now + dt.timedelta(seconds=links.INVITE_SECONDS))
    link = f"{ctx.services.settings.base_url}/invite/{links.invite_token(ctx, invitation.id)}"
    body = (f"Hello,\n\n{principal.user_email} invites you to the workspace {principal.workspace_name} "
            f"as {role} on traciqo.\n\nAccept within 7 days: {link}\n")
    queue_emails(ctx.acting_for(principal.workspace_id, False), email,
                 [(f"Join {principal.workspace_name} on traciqo", body, "invitation", None)])
    return {"email": email, "role": role, "expires_at": invitation.expires_at}


def members(ctx: RequestContext) -> dict[str, Any]:
    """The members (by email) and the invitations still pending."""
    workspace_id = ctx.require_principal().workspace_id
    people: Any = (Membership.select(User.email, User.full_name, Membership.role, User.last_login_at)
              .join(User, on=(Membership.user_id == User.id))
              .where(Membership.workspace_id == workspace_id).order_by(User.email).dicts())
    pending = (Invitation.select().where(Invitation.workspace_id == workspace_id, Invitation.accepted_at.is_null(),
                                         Invitation.expires_at > ctx.now()).order_by(Invitation.email))
    return {"members": [{"email": p["email"], "full_name": p["full_name"], "role": p["role"],
                         "last_login_at": p["last_login_at"]} for p in people],
            "invitations": [{"email": i.email, "role": i.role, "expires_at": i.expires_at} for i in pending]}


def change_role(ctx: RequestContext, email: str, role: str) -> dict[str, Any]:
    membership = _membership(ctx, email)
    if membership.role == OWNER and role != OWNER:
        _keep_an_owner(ctx)
    Membership.update(role=role).where(Membership.id == membership.id).execute()
    return {"email": email.strip().lower(), "role": role}


def remove(ctx: RequestContext, email: str) -> dict[str, Any]:
    """Remove a member; their sessions in this workspace end with their membership."""
    membership = _membership(ctx, email)
    if membership.role == OWNER:
        _keep_an_owner(ctx)
    Membership.delete().where(Membership.id == membership.id).execute()
    Session.delete().where(Session.user_id == membership.user_id,
                           Session.workspace_id == membership.workspace_id).execute()
    return {"removed": email.strip().lower()}


def accept(ctx: RequestContext, token: str, password: str, full_name: str | None,
           otp: str | None = None) -> SignedIn:
    """Join through an invitation link: a new account with this password, or the existing
    account of the invited email (its password checked, and its second factor's code when it
    has one: a link is no way around it); then signed in to that workspace."""
    invitation = _pending(ctx, token)
    user = service.find_user(invitation.email)
    if user is None:
        user = service.create_user(invitation.email, password, full_name or "")
    elif not passwords.check_password(user.password_hash, password):
        raise errors.LoginFailed()
    elif user.totp_secret:
        if not otp:
            raise second_factor.CodeRequired()
        if not second_factor.check(user, otp):
            raise errors.LoginFailed()
    if not Membership.select().where(Membership.user_id == user.id,
                                     Membership.workspace_id == invitation.workspace_id).exists():
        Membership.create(user_id=user.id, workspace_id=invitation.workspace_id, role=invitation.role)
    Invitation.update(accepted_at=ctx.now()).where(Invitation.id == invitation.id).execute()
    return start_session(ctx, user, invitation.workspace_id)


def invitation_for(ctx: RequestContext, token: str) -> dict[str, Any]:
    """What an invitation link offers (for its page): the workspace, the role, whether the email has an account."""
    invitation = _pending(ctx, token)
    workspace = Workspace.get_by_id(invitation.workspace_id)
    return {"workspace": workspace.name, "email": invitation.email, "role": invitation.role,
            "has_account": service.find_user(invitation.email) is not None}


def request_reset(ctx: RequestContext, email: str) -> dict[str, Any]:
    """Email a reset link if the address has an account; the answer is the same either way."""
    user = service.find_user(email)
    if user is not None:
        memberships = service.workspaces_of(user.id)
        if memberships:  # the mail goes out through a workspace's outbox
            link = f"{ctx.services.settings.base_url}/reset/{links.reset_token(ctx, user.id, user.password_hash)}"
            queue_emails(ctx.acting_for(memberships[0]["id"], False), user.email, [(
                "Reset your traciqo password",
                f"Hello,\n\nChoose a new password within the hour: {link}\n\nDid not ask? Ignore this email.\n",
                "password_reset", None)])
    return {"sent": True}


def reset(ctx: RequestContext, token: str, password: str) -> dict[str, Any]:
    """A new password through a reset link (once); every session of the account ends."""
    found = links.reset_of(ctx, token)
    user = User.get_or_none(User.id == found[0]) if found else None
    if found is None or user is None or user.password_hash[-16:] != found[1]:
        raise ResetLinkInvalid("This reset link is not valid any more: ask for a new one",
                               field_errors={"token": ["Expired or used."]})
    service.set_password(user, password)
    return {"email": user.email}


def _pending(ctx: RequestContext, token: str) -> Invitation:
    invitation_id = links.invitation_of(ctx, token)
    invitation = Invitation.get_or_none(Invitation.id == invitation_id) if invitation_id is not None else None
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= ctx.now():
        raise InvitationInvalid("This invitation is not valid any more: ask for a new one",
                                field_errors={"token": ["Expired, used or withdrawn."]})
    return invitation


def _membership(ctx: RequestContext, email: str) -> Membership:
    found = (Membership.select(Membership).join(User, on=(Membership.user_id == User.id))
             .where(Membership.workspace_id == ctx.require_principal().workspace_id,
                    User.email == email.strip().lower()).first())
    if found is None:
        raise MemberNotFound(f"No member {email!r} in this workspace")
    return found


def _keep_an_owner(ctx: RequestContext) -> None:
    """The workspace's row is locked first, so two owners demoting each other at once are
    counted one after the other and one of them is refused."""
    workspace_id = ctx.require_principal().workspace_id
    Workspace.update(plan=Workspace.plan).where(Workspace.id == workspace_id).execute()
    owners = Membership.select().where(Membership.workspace_id == workspace_id, Membership.role == OWNER).count()
    if owners <= 1:
        raise LastOwner("A workspace keeps at least one owner: make someone else owner first",
                        field_errors={"role": ["The last owner."]})

