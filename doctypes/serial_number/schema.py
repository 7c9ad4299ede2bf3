from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from doctypes.warranty.schema import WarrantyInfo
from traciqo_rpc.records import Name

from .model import REGISTERED, UNREGISTERED, VOID

MAX_PER_CALL = 10_000


def normalise_tags(text: str) -> str:
    """'vip, retail ,, vip' -> 'vip,retail': trimmed, de-duplicated, order kept."""
    seen: dict[str, None] = {}
    for tag in text.split(","):
        if tag.strip():
            seen.setdefault(tag.strip(), None)
    return ",".join(seen)


class SerialEntry(Schema):
    serial_number = Name(max_length=100, required=True)
    product_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    customer_tags = fields.String(load_default="", validate=validate.Length(max=500))

    @post_load
    def _tags(self, data: dict, **_: object) -> dict:
        data["customer_tags"] = normalise_tags(data["customer_tags"])
        return data


class AddSerialNumbersArgs(Schema):
    serial_numbers = fields.List(fields.Nested(SerialEntry), required=True,
                                 validate=validate.Length(min=1, max=MAX_PER_CALL))


class SerialArgs(Schema):
    serial_number = Name(max_length=100, required=True)


class VoidSerialArgs(SerialArgs):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))


class UnregisteredArgs(Schema):
    product_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))


class SerialsAdded(Schema):
    added = fields.Integer(required=True)
    existing = fields.List(fields.String(), required=True, metadata={"description": "Serials there already."})
    repeated = fields.List(fields.String(), required=True, metadata={"description": "Serials sent twice or more."})


class SerialInfo(Schema):
    serial_number = fields.String(required=True)
    product_id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf([UNREGISTERED, REGISTERED, VOID]))
    customer_tags = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)
    registered_at = fields.DateTime(required=True, allow_none=True)
    voided_at = fields.DateTime(required=True, allow_none=True)
    void_reason = fields.String(required=True, allow_none=True)
    warranty = fields.Nested(WarrantyInfo, required=True, allow_none=True)
