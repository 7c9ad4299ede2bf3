"""ProductCares' API (seeds/001) for serial numbers: add many with the customer tags, a random
unregistered one, and a look-up; both look-ups answer 204 when there is none."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

from doctypes.registration.routes import PRODUCTCARES, camel, camel_answer
from doctypes.serial_number.schema import MAX_PER_CALL, SerialInfo, SerialsAdded, UnregisteredArgs
from traciqo_rpc import errors
from traciqo_rpc.rest import Dialect, RestRoute

PRODUCTCARES_LOOKUP = Dialect(envelope=None, statuses={errors.DoesNotExistError: 204}, token_field="accessToken",
                              name="ProductCares")


class NewSerialNumbers(Schema):
    serial_numbers = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1, max=MAX_PER_CALL),
                                 metadata={"description": "Each a serial number, or an object with serialNumber, "
                                                          "productId and customerTags."})
    customer_tags = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Comma-separated tags for every serial number that names none."})


def _serials(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    """{"serialNumbers": ["SN-1", {"serialNumber", "productId"}], "customerTags": "a,b"} as ours."""
    others = {key: value for key, value in args.items() if key not in ("serialNumbers", "customerTags")}
    sent = args.get("serialNumbers")
    if not isinstance(sent, list):  # the schema says what is wrong, or that it is missing
        return {**others, "serial_numbers": sent} if "serialNumbers" in args else others
    tags = args.get("customerTags")
    entries = []
    for item in sent:
        entry: Any = {"serial_number": item} if not isinstance(item, dict) else {
            {"serialNumber": "serial_number", "productId": "product_id",
             "customerTags": "customer_tags"}.get(key, key): value for key, value in item.items()}
        if tags is not None and isinstance(entry, dict):
            entry.setdefault("customer_tags", tags)
        entries.append(entry)
    return {**others, "serial_numbers": entries}


def _product(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    return {("product_id" if key == "productId" else key): value for key, value in args.items()}


add_serial_numbers = RestRoute("doctypes.serial_number.api.add_serial_numbers", PRODUCTCARES, _serials, camel_answer,
                               request=camel(NewSerialNumbers), returns=camel(SerialsAdded))
unregistered_serial_number = RestRoute("doctypes.serial_number.api.get_unregistered_serial_number",
                                       PRODUCTCARES_LOOKUP, _product, camel_answer,
                                       request=camel(UnregisteredArgs), returns=camel(SerialInfo))
get_serial_number = RestRoute("doctypes.serial_number.api.get_serial_number", PRODUCTCARES_LOOKUP,
                              answer=camel_answer, returns=camel(SerialInfo))
