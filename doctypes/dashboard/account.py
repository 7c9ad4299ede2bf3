"""Settings → Account: the optional second factor (TOTP), turned on with a code and off with one."""

from __future__ import annotations

from doctypes.user.model import User
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.user.api."


@signed_in("read", any_workspace_state=True)
def account_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    user = User.get_by_id(ctx.require_principal().user_id)
    if user.totp_secret:
        content = ('<section class=card aria-labelledby=second><h2 id=second>Second factor: on</h2>'
                   '<p>Signing in asks for the code from your authenticator app.</p>'
                   f'<form method=post action="{API}turn_off_second_factor" data-method>{shell.alert()}'
                   f'{shell.field("off", "code", "Current code", "text", autocomplete="one-time-code")}'
                   '<p><button type=submit class=secondary>Turn it off</button></p></form></section>')
    else:
        content = (
            '<section class=card aria-labelledby=second><h2 id=second>Second factor: off</h2>'
            '<p>With it on, signing in also asks for a code from an authenticator app.</p>'
            f'<form method=post action="{API}set_up_second_factor" data-method data-reveal=totp>{shell.alert()}'
            '<p><button type=submit>Set it up</button></p></form>'
            '<div id=totp hidden><h3 tabindex=-1>Add it to your app</h3>'
            '<p>Type this key into your authenticator app: <code data-value=secret></code></p>'
            '<p>(On a phone, the app may open this link: <code data-value=otpauth_uri></code>)</p>'
            f'<form method=post action="{API}confirm_second_factor" data-method>{shell.alert()}'
            f'{shell.field("confirm", "code", "The code the app shows", "text", autocomplete="one-time-code")}'
            '<p><button type=submit>Turn it on</button></p></form></div></section>')
    return shell.page(ctx, "Account", content, shell.csrf_token(ctx), "/app/account")
