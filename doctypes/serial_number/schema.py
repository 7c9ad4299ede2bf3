from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from doctypes.warranty.schema import WarrantyInfo
from traciqo_rpc.records import Name, Page, PageArgs

from .model import REGISTERED, UNREGISTERED, VOID

MAX_PER_CALL = 10_000
MAX_TEXT = MAX_PER_CALL * 128  # 10,000 lines of a serial number, with room for spaces and line ends
STATUSES = (UNREGISTERED, REGISTERED, VOID)


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
    serial_numbers = fields.List(fields.Nested(SerialEntry), validate=validate.Length(min=1, max=MAX_PER_CALL))
    # A form cannot post a list of objects: the dashboard's textarea sends this instead.
    serial_numbers_text = fields.String(validate=validate.Length(max=MAX_TEXT), metadata={
        "description": "Instead of serial_numbers: one serial number per line, each of product_id and customer_tags."})
    product_id = fields.String(validate=validate.Length(min=1, max=64),
                               metadata={"description": "With serial_numbers_text: the product of every line."})
    customer_tags = fields.String(validate=validate.Length(max=500),
                                  metadata={"description": "With serial_numbers_text: the tags of every line."})

    @validates_schema
    def _one_of(self, data: dict, **_: object) -> None:
        if ("serial_numbers" in data) == ("serial_numbers_text" in data):
            raise ValidationError("Send serial_numbers or serial_numbers_text.", "serial_numbers")
        if "serial_numbers" in data:
            for name in ("product_id", "customer_tags"):
                if name in data:
                    raise ValidationError("Give it in each entry of serial_numbers.", name)

    @post_load
    def _lines(self, data: dict, **_: object) -> dict:
        """serial_numbers_text as serial_numbers entries (blank lines skipped), through SerialEntry's rules."""
        text = data.pop("serial_numbers_text", None)
        if text is None:
            return data
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not 1 <= len(lines) <= MAX_PER_CALL:
            raise ValidationError(f"Give 1 to {MAX_PER_CALL:,} serial numbers, one per line.", "serial_numbers_text")
        common = {"product_id": data.get("product_id"), "customer_tags": data.get("customer_tags", "")}
        try:
            entries = SerialEntry(many=True).load([{"serial_number": line, **common} for _, line in lines])
        except ValidationError as exc:
            index, problems = next(iter(exc.normalized_messages().items()))
            words = " ".join(message for messages in problems.values() for message in messages)
            raise ValidationError(f"Line {lines[index][0]}: {words}", "serial_numbers_text") from None
        return {"serial_numbers": entries}


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


class ListSerialNumbersArgs(PageArgs):
    prefix = fields.String(validate=validate.Length(min=1, max=100),
                           metadata={"description": "Serial numbers starting with this (a whole one among them)."})
    product_id = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(STATUSES))


class SerialFields(Schema):
    serial_number = fields.String(required=True)
    product_id = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    customer_tags = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)
    registered_at = fields.DateTime(required=True, allow_none=True)
    voided_at = fields.DateTime(required=True, allow_none=True)
    void_reason = fields.String(required=True, allow_none=True)


class SerialInfo(SerialFields):
    warranty = fields.Nested(WarrantyInfo, required=True, allow_none=True)


class SerialListed(SerialFields):
    warranty_id = fields.String(required=True, allow_none=True, metadata={"description": "Its warranty, if it has one."})


class SerialPage(Page):
    data = fields.List(fields.Nested(SerialListed), required=True)
