from __future__ import annotations

from marshmallow import Schema, fields, validate

from doctypes.user import passwords


class LoginArgs(Schema):
    """Frappe's names: `usr` (here, the email) and `pwd`."""

    usr = fields.String(required=True, validate=validate.Length(min=1, max=254))
    pwd = fields.String(required=True, validate=validate.Length(min=1, max=passwords.MAX_LENGTH))
    otp = fields.String(load_default=None, validate=validate.Length(min=1, max=12),
                        metadata={"description": "The authenticator's code, for an account with the second factor on."})


class SwitchArgs(Schema):
    workspace = fields.String(load_default=None, validate=validate.Length(min=1, max=140))
    environment = fields.String(load_default=None, validate=validate.OneOf(["live", "sandbox"]))


class Membership(Schema):
    id = fields.Integer(required=True)
    workspace = fields.String(required=True)
    role = fields.String(required=True)


class SessionInfo(Schema):
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    workspace = fields.String(required=True)
    role = fields.String(required=True)
    environment = fields.String(required=True, validate=validate.OneOf(["live", "sandbox"]))
    rights = fields.List(fields.String(), required=True)
    csrf_token = fields.String(required=True, metadata={
        "description": "Send it in X-Frappe-CSRF-Token (or a csrf_token form field) with every change."})
    workspaces = fields.List(fields.Nested(Membership), required=True)
    second_factor = fields.Boolean(required=True, metadata={"description": "Whether sign-in asks for a TOTP code."})
