"""Settings → Account: the optional second factor (TOTP), turned on with a code and off with one."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import qrcode
from qrcode.image.svg import SvgPathFillImage

from doctypes.user import second_factor
from doctypes.user.model import User
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.user.api."
QR_PIXELS = 240


@signed_in("read", any_workspace_state=True)
def account_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    user = User.get_by_id(ctx.require_principal().user_id)
    pending = second_factor.pending(user)
    if user.totp_secret:
        content = ('<section class=card aria-labelledby=second><h2 id=second>Second factor: on</h2>'
                   '<p>Signing in asks for the code from your authenticator app.</p>'
                   f'<form method=post action="{API}turn_off_second_factor" data-method>{shell.alert()}'
                   f'{shell.field("off", "code", "Current code", "text", autocomplete="one-time-code")}'
                   '<p><button type=submit class=secondary>Turn it off</button></p></form></section>')
    elif pending is None:
        content = (
            '<section class=card aria-labelledby=second><h2 id=second>Second factor: off</h2>'
            '<p>With it on, signing in also asks for a code from an authenticator app.</p>'
            f'<form method=post action="{API}set_up_second_factor" data-method>{shell.alert()}'
            '<p><button type=submit>Set it up</button></p></form></section>')
    else:
        content = (
            '<section class=card aria-labelledby=second><h2 id=second>Second factor: off</h2>'
            '<div id=totp><h3>Add it to your app</h3>'
            f'<p>Scan this code with your authenticator app:</p>{_qr(pending["otpauth_uri"])}'
            f'<p>Or type this key into it: <code data-value=secret>{html.escape(pending["secret"])}</code></p>'
            f'<p>(On a phone, the app may open this link: <code>{html.escape(pending["otpauth_uri"])}</code>)</p>'
            f'<form method=post action="{API}confirm_second_factor" data-method>{shell.alert()}'
            f'{shell.field("confirm", "code", "The code the app shows", "text", autocomplete="one-time-code")}'
            '<p><button type=submit>Turn it on</button></p></form></div>'
            f'<form method=post action="{API}set_up_second_factor" data-method '
            'data-confirm="Start again with a new key? The one shown stops working.">'
            '<p><button type=submit class=secondary>Start again with a new key</button></p></form></section>')
    return shell.page(ctx, "Account", content, shell.csrf_token(ctx), "/app/account")


def _qr(uri: str) -> str:
    """The otpauth URI as a QR code in inline SVG (the page's policy allows no data: images)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, image_factory=SvgPathFillImage)
    qr.add_data(uri)
    qr.make(fit=True)
    svg = qr.make_image().get_image()
    svg.attrib.update({"width": str(QR_PIXELS), "height": str(QR_PIXELS), "role": "img",
                       "aria-label": "QR code of the key, for your authenticator app"})
    return ET.tostring(svg, encoding="unicode")
