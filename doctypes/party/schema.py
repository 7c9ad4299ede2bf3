from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from traciqo_rpc.records import Name, Page, PageArgs


class UpsertPartyArgs(Schema):
    name = Name(required=True)
    contact_info = fields.String(validate=validate.Length(max=2000))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))

    @post_load
    def _normalise(self, data: dict, **_: object) -> dict:
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        return data


class PartyRefArgs(Schema):
    party_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ListPartiesArgs(PageArgs):
    name = fields.String(validate=validate.Length(min=1, max=255))
    email = fields.Email()


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
    created_at = fields.DateTime(required=True)


class PartyPage(Page):
    data = fields.List(fields.Nested(PartyInfo), required=True)
