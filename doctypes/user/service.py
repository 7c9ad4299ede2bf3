"""People and their workspaces: accounts (email and argon2 password) and memberships with a role."""

from __future__ import annotations

from typing import Any

import peewee

from doctypes.workspace.model import Workspace
from doctypes.workspace.service import get_workspace
from traciqo_rpc import db, errors

from . import passwords
from .model import Membership, User
from .roles import ROLES


class PasswordTooWeak(errors.ValidationError):
    """Shorter than passwords.MIN_LENGTH (or absurdly long)."""


class UnknownRole(errors.ValidationError):
    """Not one of roles.ROLES."""


class UserExists(errors.DuplicateEntryError):
    """An account with that email exists (one account per email, in as many workspaces as needed)."""


def find_user(email: str) -> User | None:
    return User.get_or_none(User.email == email.strip().lower())


def create_user(email: str, password: str, full_name: str = "") -> User:
    """A new account; 409 if the email has one already."""
    _check_password(password)
    try:
        with db.database.atomic():  # a savepoint: the caller's transaction goes on after a 409
            return User.create(email=email.strip().lower(), full_name=full_name,
                               password_hash=passwords.hash_password(password))
    except peewee.IntegrityError:
        raise UserExists(f"A user with the email {email!r} exists") from None


def add_member(user: User, workspace_name: str, role: str) -> dict[str, Any]:
    """The user's role in the workspace: added, or changed if they are a member already."""
    if role not in ROLES:
        raise UnknownRole(f"Unknown role {role!r}", field_errors={"role": [f"One of: {', '.join(ROLES)}."]})
    workspace = get_workspace(workspace_name)
    touched = Membership.update(role=role).where(Membership.user_id == user.id,
                                                 Membership.workspace_id == workspace.id).execute()
    if not touched:
        Membership.create(user_id=user.id, workspace_id=workspace.id, role=role)
    return {"email": user.email, "workspace": workspace.name, "role": role}


def workspaces_of(user_id: int) -> list[dict[str, Any]]:
    """The user's workspaces and roles, by name."""
    rows: Any = (Membership.select(Workspace.id, Workspace.name, Membership.role)
            .join(Workspace, on=(Membership.workspace_id == Workspace.id))
            .where(Membership.user_id == user_id).order_by(Workspace.name).dicts())
    return [{"id": row["id"], "workspace": row["name"], "role": row["role"]} for row in rows]


def _check_password(password: str) -> None:
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise PasswordTooWeak(f"A password has {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters",
                              field_errors={"password": [f"At least {passwords.MIN_LENGTH} characters."]})


def set_password(user: User, password: str) -> None:
    """A new password; the user's sessions end (a changed password locks out whoever had the old one)."""
    from doctypes.session.model import Session  # sessions belong to users, not the reverse

    _check_password(password)
    user.password_hash = passwords.hash_password(password)
    user.save(only=[User.password_hash])
    Session.delete().where(Session.user_id == user.id).execute()
