"""Settings → Members (invite, change a role, remove), and the pages an email's link opens:
joining through an invitation, and choosing a new password."""

from __future__ import annotations

import html
from typing import Any

from doctypes.user import members
from doctypes.user.roles import ROLES
from traciqo_rpc import HtmlResult, RequestContext, errors
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.user.api."
ROLE_CHOICES = [(role, role) for role in ROLES]


@signed_in("read")
def members_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    listed = members.members(ctx)
    may_manage = "members" in ctx.require_principal().rights
    rows = "".join(_member_row(member, may_manage) for member in listed["members"])
    pending = "".join(f"<li>{html.escape(i['email'])} as {html.escape(i['role'])}, until {shell.when(i['expires_at'])}</li>"
                      for i in listed["invitations"]) or "<li>None.</li>"
    invite = ""
    if may_manage:
        invite = ('<section class=card aria-labelledby=invite><h2 id=invite>Invite someone</h2>'
                  f'<form method=post action="{API}invite_member" data-method>{shell.alert()}'
                  f'{shell.field("invite", "email", "Email", "email")}{shell.select("invite", "role", "Role", ROLE_CHOICES)}'
                  '<p><button type=submit>Send invitation</button></p></form></section>')
    content = (invite + '<table><caption>Members</caption><thead><tr><th scope=col>Email</th><th scope=col>Name</th>'
               f'<th scope=col>Role</th><th scope=col>Last sign-in</th></tr></thead><tbody>{rows}</tbody></table>'
               f'<h2>Invitations waiting</h2><ul>{pending}</ul>')
    return shell.page(ctx, "Members", content, shell.csrf_token(ctx), "/app/members")


def invitation_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                    headers: dict[str, str]) -> HtmlResult:
    """Join a workspace: a name and a new password, or your own password if the email has an account."""
    token = params["token"]
    try:
        offer = members.invitation_for(ctx, token)
    except errors.ValidationError as exc:
        return shell.document("Invitation · traciqo", f'<main id=main class=card><h1>Invitation</h1>'
                                                      f'<p>{html.escape(exc.message)}</p></main>')
    fields = (shell.field("accept", "password", "Your password", "password", autocomplete="current-password")
              + shell.field("accept", "otp", "Authenticator code (only if you turned it on)", required=False,
                            autocomplete="one-time-code")
              if offer["has_account"] else
              shell.field("accept", "full_name", "Your name", required=False, autocomplete="name")
              + shell.field("accept", "password", "Choose a password (10 characters or more)", "password",
                            autocomplete="new-password"))
    form = (f'<form method=post action="{API}accept_invitation" data-method data-next="/app">{shell.alert()}'
            f'<input type=hidden name=token value="{html.escape(token)}">{fields}'
            '<p><button type=submit>Join</button></p></form>')
    intro = (f'<p>Join <strong>{html.escape(offer["workspace"])}</strong> as {html.escape(offer["role"])} '
             f'with {html.escape(offer["email"])}.</p>')
    return shell.document("Invitation · traciqo", f'<main id=main class=card><h1>Invitation</h1>{intro}{form}</main>')


def reset_request_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                       headers: dict[str, str]) -> HtmlResult:
    form = (f'<form method=post action="{API}request_password_reset" data-method data-reveal=asked>{shell.alert()}'
            f'{shell.field("reset", "email", "Email", "email", autocomplete="username")}'
            '<p><button type=submit>Email me a link</button></p></form>'
            '<p id=asked hidden role=status tabindex=-1>If that email has an account, a link is on its way '
            '(valid for an hour).</p>')
    return shell.document("Reset your password · traciqo",
                          f'<main id=main class=card><h1>Reset your password</h1>{form}</main>')


def reset_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    form = (f'<form method=post action="{API}reset_password" data-method data-next="/login">{shell.alert()}'
            f'<input type=hidden name=token value="{html.escape(params["token"])}">'
            f'{shell.field("newpass", "password", "New password (10 characters or more)", "password", autocomplete="new-password")}'
            '<p><button type=submit>Set the new password</button></p></form>')
    return shell.document("New password · traciqo", f'<main id=main class=card><h1>Choose a new password</h1>{form}</main>')


def _member_row(member: dict[str, Any], may_manage: bool) -> str:
    email = html.escape(member["email"])
    role = html.escape(member["role"])
    if may_manage:
        roles = shell.options(ROLE_CHOICES, member["role"])
        role = (f'<form method=post action="{API}change_role" data-method class=inline>'
                f'<input type=hidden name=email value="{email}"><label class=visually-hidden for="role-{email}">Role of {email}</label>'
                f'<select id="role-{email}" name=role>{roles}</select> '
                f'<button type=submit class=secondary aria-label="Change the role of {email}">Change</button>'
                f'<span class=error data-error-for=role></span><span class=alert data-alert></span></form>'
                f'<form method=post action="{API}remove_member" data-method data-confirm="Remove {email}?" class=inline>'
                f'<input type=hidden name=email value="{email}">'
                f'<button type=submit class=secondary aria-label="Remove {email}">Remove</button></form>')
    return (f"<tr><td>{email}</td><td>{html.escape(member['full_name'] or '')}</td><td>{role}</td>"
            f"<td>{shell.when(member['last_login_at']) or 'never'}</td></tr>")
