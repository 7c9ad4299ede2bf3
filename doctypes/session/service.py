"""Signing in and out, the session's workspace and environment, and the sessions the
dispatcher loads for a cookie (hooks.session_loader; the cookie itself: traciqo_rpc/sessions.py)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, NoReturn

from doctypes.user import passwords, second_factor
from doctypes.user.model import User
from doctypes.user.roles import ROLE_RIGHTS, key_scopes
from doctypes.user.service import find_user, workspaces_of
from doctypes.workspace.model import ACTIVE
from traciqo_rpc import db, errors, retention
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal
from traciqo_rpc.sessions import SignedIn, SignedOut, new_token, token_hash
from traciqo_rpc.statements import Statement, fetch

from .model import LoginFailure, Session
from .queries import SESSION_BY_ID, SESSION_BY_TOKEN, LoadedSession

# Sign-ins refused (429) after this many failures within the window, per account and per address.
THROTTLE_FAILURES = 10
THROTTLE_WINDOW = dt.timedelta(minutes=15)
HOME_PAGE = "/app"


class SignInsThrottled(errors.RateLimitExceeded):
    """Too many failed sign-ins for the account or from the address within THROTTLE_WINDOW."""


class NoWorkspace(errors.PermissionError):
    """The password is right, but the user belongs to no workspace (yet)."""


class NotAMember(errors.PermissionError):
    """A switch to a workspace the user does not belong to."""


class NotSignedIn(errors.PermissionError):
    """A session's own method called with an API key."""


def login(ctx: RequestContext, email: str, password: str, otp: str | None = None) -> SignedIn:
    """A new session in the user's first workspace (live); a wrong email or password is the same
    401, and after THROTTLE_FAILURES of them the account and the address wait (429). An account
    with the second factor on also needs its authenticator's code (`otp`; without one, 401
    `otp_required`; a wrong one counts as a failure)."""
    email, now = email.strip().lower(), ctx.now()
    _refuse_while_throttled(email, ctx.ip, now)
    user = find_user(email)
    if user is None or not passwords.check_password(user.password_hash, password):
        if user is None:
            passwords.check_password(None, password)  # as slow as a wrong password
        _failed(ctx, email, now)
    if user.totp_secret:
        if not otp:
            raise second_factor.CodeRequired()
        with db.transaction():
            accepted = second_factor.check(user, otp)
        if not accepted:
            _failed(ctx, email, now)
    memberships = workspaces_of(user.id)
    if not memberships:
        raise NoWorkspace("You are not a member of any workspace yet: ask its owner to add you")
    with db.transaction():
        if passwords.needs_rehash(user.password_hash):
            User.update(password_hash=passwords.hash_password(password)).where(User.id == user.id).execute()
        LoginFailure.delete().where(LoginFailure.email == email).execute()
        return start_session(ctx, user, memberships[0]["id"])


def _failed(ctx: RequestContext, email: str, now: dt.datetime) -> NoReturn:
    with db.transaction():
        LoginFailure.create(email=email[:254], ip=ctx.ip, failed_at=now)
    raise errors.LoginFailed()


def start_session(ctx: RequestContext, user: User, workspace_id: int) -> SignedIn:
    """A new session (a new token) for the user in that workspace, live; answers as Frappe's login."""
    now, token, csrf_token = ctx.now(), new_token(), new_token()
    Session.create(token_hash=token_hash(token), user_id=user.id, workspace_id=workspace_id, csrf_token=csrf_token,
                   created_at=now, expires_at=now + dt.timedelta(hours=ctx.services.settings.session_hours),
                   ip=ctx.ip, user_agent=(ctx.user_agent or "")[:255] or None)
    User.update(last_login_at=now).where(User.id == user.id).execute()
    # Frappe's answer ("message", "home_page", "full_name"), and the token forms must carry.
    return SignedIn("Logged In", token, {"home_page": HOME_PAGE, "full_name": user.full_name or user.email,
                                         "csrf_token": csrf_token})


def _refuse_while_throttled(email: str, ip: str | None, now: dt.datetime) -> None:
    for column, value in ((LoginFailure.email, email), (LoginFailure.ip, ip)):
        if value is None:
            continue
        recent = [row.failed_at for row in LoginFailure.select(LoginFailure.failed_at)
                  .where(column == value, LoginFailure.failed_at > now - THROTTLE_WINDOW)
                  .order_by(LoginFailure.failed_at.desc()).limit(THROTTLE_FAILURES)]
        if len(recent) >= THROTTLE_FAILURES:
            wait = max(1, math.ceil((recent[-1] + THROTTLE_WINDOW - now).total_seconds()))
            raise SignInsThrottled(
                f"Too many failed sign-ins: try again in {math.ceil(wait / 60)} minutes", headers={"Retry-After": str(wait)})


def logout(ctx: RequestContext) -> SignedOut:
    principal = _person(ctx)
    Session.delete().where(Session.id == principal.session_id).execute()
    return SignedOut(None)


def session_info(ctx: RequestContext) -> dict[str, Any]:
    principal = _person(ctx)
    session = Session.get_by_id(principal.session_id)
    user = User.get_by_id(principal.user_id)
    return {"email": user.email, "full_name": user.full_name, "workspace": principal.workspace_name,
            "role": principal.role, "environment": principal.environment, "rights": sorted(principal.rights),
            "csrf_token": session.csrf_token, "workspaces": workspaces_of(user.id),
            "second_factor": bool(user.totp_secret)}


def switch(ctx: RequestContext, workspace: str | None, environment: str | None) -> dict[str, Any]:
    """Work in another of the user's workspaces, or in the other environment (the live/sandbox switch)."""
    principal = _person(ctx)
    changes: dict[Any, Any] = {}
    if workspace is not None:
        chosen = next((m for m in workspaces_of(principal.user_id) if m["workspace"] == workspace), None)
        if chosen is None:
            raise NotAMember(f"You are not a member of {workspace!r}", field_errors={"workspace": ["Not yours."]})
        changes[Session.workspace_id] = chosen["id"]
    if environment is not None:
        changes[Session.is_sandbox] = environment == "sandbox"
    if changes:
        Session.update(changes).where(Session.id == principal.session_id).execute()
    return session_info_after(ctx)


def session_info_after(ctx: RequestContext) -> dict[str, Any]:
    """The session as it is now (after a switch in this transaction)."""
    principal = _person(ctx)
    loaded = _load(SESSION_BY_ID, principal.session_id, ctx.now())
    if loaded is None:
        raise errors.SessionEnded()
    ctx.principal = loaded[0]
    return session_info(ctx)


def load_principal(hashed_token: str) -> tuple[Principal, str] | None:
    """hooks.session_loader: the person a session token's hash names, as a principal of their
    session's workspace and environment, with the session's CSRF token; None when the session
    ended (signed out, expired) or they are no longer a member of its workspace."""
    return _load(SESSION_BY_TOKEN, hashed_token, db.utcnow())


def _load(statement: Statement, key: Any, now: dt.datetime) -> tuple[Principal, str] | None:
    rows: list[LoadedSession] = fetch(statement, (key, now))
    if not rows:
        return None
    row = rows[0]
    principal = Principal(
        api_key_id=0, api_key="", secret_hash="", workspace_id=row.workspace_id,
        workspace_name=row.workspace_name, is_sandbox=bool(row.is_sandbox),
        workspace_active=row.workspace_status == ACTIVE, plan=row.plan, api_access=bool(row.api_access),
        rate_limit_per_minute=row.rate_limit_per_minute, scopes=key_scopes(row.role),
        rights=ROLE_RIGHTS[row.role], user_id=row.user_id, user_email=row.email, role=row.role,
        session_id=row.id, csrf_token=row.csrf_token)
    return principal, row.csrf_token


def _person(ctx: RequestContext) -> Principal:
    principal = ctx.require_principal()
    if not principal.is_person:
        raise NotSignedIn("This is a dashboard session's method: sign in (POST /api/method/login)")
    return principal


def prune(now: dt.datetime) -> int:
    """Expired sessions, and failures the throttle no longer counts; answers how many rows went."""
    gone = retention.delete_where(Session, Session.expires_at <= now)
    return gone + retention.delete_where(LoginFailure, LoginFailure.failed_at <= now - THROTTLE_WINDOW)
