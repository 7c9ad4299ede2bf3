from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from traciqo_rpc.records import Name, Page, PageArgs

from .model import ROLES


class Roles(fields.List):
    """A set of roles: a list, or (a form's select posts one value) a comma-separated string."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(max=len(ROLES)),
                         metadata={"description": f"Roles added to the party's set: {', '.join(ROLES)}."},
                         **kwargs)  # type: ignore[arg-type]

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return list(dict.fromkeys(super()._deserialize(value, attr, data, **kwargs)))


class UpsertPartyArgs(Schema):
    name = Name(required=True)
    contact_info = fields.String(validate=validate.Length(max=2000))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    roles = Roles(load_default=list)

    @post_load
    def _normalise(self, data: dict, **_: object) -> dict:
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        return data


class PartyRefArgs(Schema):
    party_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class PartyRoleArgs(PartyRefArgs):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class ListPartiesArgs(PageArgs):
    name = fields.String(validate=validate.Length(min=1, max=255))
    email = fields.Email()
    role = fields.String(validate=validate.OneOf(ROLES))


class PartyPushed(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    created = fields.Boolean(required=True)
    updated = fields.Boolean(required=True)


class PartyInfo(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    contact_info = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    tags = fields.List(fields.String(), required=True)
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True)
    created_at = fields.DateTime(required=True)


class PartyPage(Page):
    data = fields.List(fields.Nested(PartyInfo), required=True)
