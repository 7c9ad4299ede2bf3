from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from traciqo_rpc.records import Name

HEX_COLOUR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="A colour as #rrggbb, e.g. #1d4ed8.")
MAX_URL = 2000


class UpdateBrandingArgs(Schema):
    """Only the fields sent change; null clears one (the pages then use their default)."""

    display_name = Name(max_length=80, allow_none=True)
    # Checked against our own /files/ URLs by the service, which knows the base URL.
    logo_url = fields.Url(allow_none=True, schemes={"http", "https"}, require_tld=False,
                          validate=validate.Length(max=MAX_URL))
    accent_color = fields.String(allow_none=True, validate=[validate.Length(min=7, max=7), HEX_COLOUR])
    support_url = fields.Url(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=MAX_URL))

    @validates_schema
    def _something(self, data: dict, **_: object) -> None:
        if not data:
            raise ValidationError("Send display_name, logo_url, accent_color or support_url to change.",
                                  "display_name")

    @post_load
    def _lower_case_colour(self, data: dict[str, Any], **_: object) -> dict[str, Any]:
        if data.get("accent_color"):
            data["accent_color"] = data["accent_color"].lower()
        return data


class BrandingInfo(Schema):
    """A workspace's branding in one environment; null where the public pages use their default."""

    display_name = fields.String(required=True, allow_none=True, metadata={
        "description": "Shown at the top of the tracking pages; by default none."})
    logo_url = fields.String(required=True, allow_none=True, metadata={
        "description": "An image uploaded with get_upload_url (its `url`, under this server's /files/)."})
    accent_color = fields.String(required=True, allow_none=True, metadata={"description": "#rrggbb."})
    support_url = fields.String(required=True, allow_none=True, metadata={
        "description": "Linked from the tracking page as \"Contact support\"."})
    environment = fields.String(required=True, validate=validate.OneOf(["live", "sandbox"]))
    updated_at = fields.DateTime(required=True, allow_none=True, metadata={"description": "Null until the first update."})
