"""Dashboard sessions: Frappe's `login` and `logout` (hooks.method_aliases), the session's
details and CSRF token, and the workspace and live/sandbox switch."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from traciqo_rpc import RequestContext, whitelist
from traciqo_rpc.sessions import SignedIn, SignedOut

from . import service
from .schema import LoginArgs, SessionInfo, SwitchArgs


@whitelist(methods=["POST"], allow_guest=True, schema=LoginArgs, transaction=False, guest_rate_limit=60,
           also_answers=(401, 403), returns=fields.String())
def login(ctx: RequestContext, usr: str, pwd: str, otp: str | None) -> SignedIn:
    """Sign in with email (`usr`) and password (`pwd`): sets the `sid` cookie, answers
    `{"message": "Logged In", "home_page", "full_name", "csrf_token"}`. A wrong email or password
    is 401 `login`; ten failures in 15 minutes for an account or an address are 429. With the
    second factor on, send the authenticator's code as `otp` (without it: 401 `otp_required`)."""
    return service.login(ctx, usr, pwd, otp)


@whitelist(methods=["POST", "GET"], right="read", any_workspace_state=True, returns=fields.Constant(None))
def logout(ctx: RequestContext) -> SignedOut:
    """End this session (everywhere at once) and clear the cookie."""
    return service.logout(ctx)


@whitelist(methods=["GET"], any_workspace_state=True, returns=SessionInfo)
def session_info(ctx: RequestContext) -> dict[str, Any]:
    """Who is signed in, their workspace, role and rights, the environment, and the CSRF token."""
    return service.session_info(ctx)


@whitelist(methods=["POST"], schema=SwitchArgs, right="read", any_workspace_state=True, returns=SessionInfo)
def switch(ctx: RequestContext, workspace: str | None, environment: str | None) -> dict[str, Any]:
    """Work in another of your workspaces, or switch between live and sandbox."""
    return service.switch(ctx, workspace, environment)
