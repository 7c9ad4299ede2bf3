from __future__ import annotations

from marshmallow import Schema, fields, validate

from . import passwords
from .roles import ROLES

ROLE = fields.String(required=True, validate=validate.OneOf(ROLES, error=f"One of: {', '.join(ROLES)}."))
EMAIL = fields.Email(required=True, validate=validate.Length(max=254))
TOKEN = fields.String(required=True, validate=validate.Length(min=1, max=400))
PASSWORD = fields.String(required=True, validate=validate.Length(
    min=passwords.MIN_LENGTH, max=passwords.MAX_LENGTH, error=f"At least {passwords.MIN_LENGTH} characters."))


class InviteArgs(Schema):
    email = EMAIL
    role = ROLE


class RoleArgs(Schema):
    email = EMAIL
    role = ROLE


class MemberArgs(Schema):
    email = EMAIL


class AcceptArgs(Schema):
    token = TOKEN
    password = PASSWORD
    full_name = fields.String(load_default=None, validate=validate.Length(max=140))
    otp = fields.String(load_default=None, validate=validate.Length(min=1, max=12),
                        metadata={"description": "The authenticator's code, for an account with the second factor on."})


class ResetRequestArgs(Schema):
    email = EMAIL


class ResetArgs(Schema):
    token = TOKEN
    password = PASSWORD


class Invited(Schema):
    email = fields.String(required=True)
    role = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class Member(Schema):
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    role = fields.String(required=True)
    last_login_at = fields.DateTime(required=True, allow_none=True)


class Members(Schema):
    members = fields.List(fields.Nested(Member), required=True)
    invitations = fields.List(fields.Nested(Invited), required=True)


class RoleChanged(Schema):
    email = fields.String(required=True)
    role = fields.String(required=True)


class Removed(Schema):
    removed = fields.String(required=True)


class ResetRequested(Schema):
    sent = fields.Boolean(required=True, metadata={"description": "Always true: whether the email has an account is not told."})


class PasswordChanged(Schema):
    email = fields.String(required=True)


class CodeArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=6, max=12))


class SecondFactorSetUp(Schema):
    secret = fields.String(required=True, metadata={"description": "Base32, for typing into the app."})
    otpauth_uri = fields.String(required=True, metadata={"description": "The otpauth:// URI, for the app's QR scan."})


class SecondFactorState(Schema):
    enabled = fields.Boolean(required=True)
