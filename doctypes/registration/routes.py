"""ProductCares' API (seeds/001) for registrations: its routes, its camelCase bodies (the seed
lost its JSON examples, so these bodies are ours, in its style) and its access token, which
may also come in the body as `accessToken`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields

from doctypes.registration.schema import (
    AddRegistrationsArgs,
    GetRegistrationsArgs,
    RegistrationDeleted,
    RegistrationEntry,
    RegistrationInfo,
    RegistrationsAdded,
    UpdateRegistrationArgs,
)
from traciqo_rpc.records import Name
from traciqo_rpc.rest import Dialect, RestRoute, camel_case_keys, camel_case_schema

PRODUCTCARES = Dialect(envelope=None, token_field="accessToken", name="ProductCares")

_STANDARD = {"serialNumber": "serial_number", "purchaseDate": "purchase_date", "receiptUrl": "receipt_url"}


def camel(schema: Schema | type[Schema]) -> Any:
    """A schema as ProductCares' clients see it, for the OpenAPI document: camelCase, except
    a registration's extra fields and the path's registration_id."""
    return camel_case_schema(schema, keep=frozenset({"fields", "registration_id"}), prefix="ProductCares")


class NewRegistration(RegistrationEntry):
    """The seed's registration: `name`, or firstName and lastName."""

    name = Name(metadata={"description": "Else firstName and lastName, joined."})
    first_name = fields.String()
    last_name = fields.String()


class NewRegistrations(AddRegistrationsArgs):
    registrations = fields.List(fields.Nested(NewRegistration), required=True)


def camel_answer(result: Any) -> Any:
    """Our answer in its camelCase; a registration's own extra fields keep their form's names."""
    return camel_case_keys(result, keep=frozenset({"fields"}))


def registration_entry(sent: Any) -> Any:
    """One ProductCares registration as ours: `name` from firstName and lastName when absent,
    the standard fields renamed, the form's extra fields as they are."""
    if not isinstance(sent, dict):
        return sent  # the schema says what it should be
    entry = {_STANDARD.get(key, key): value for key, value in sent.items() if key not in ("firstName", "lastName")}
    if "name" not in entry:
        parts = [sent.get("firstName"), sent.get("lastName")]
        if any(isinstance(part, str) and part.strip() for part in parts):
            entry["name"] = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return entry


def _add(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    registrations = args.get("registrations")
    if isinstance(registrations, list):
        args = {**args, "registrations": [registration_entry(entry) for entry in registrations]}
    return args


def _update(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    changes = registration_entry(args)
    return {**changes, "registration_id": params["registration_id"]}


def _by_email(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    return {("form_slug" if key == "formSlug" else key): value for key, value in args.items()}


add_registrations = RestRoute("doctypes.registration.api.add_registrations", PRODUCTCARES, _add, camel_answer,
                              request=camel(NewRegistrations), returns=camel(RegistrationsAdded))
update_registration = RestRoute("doctypes.registration.api.update_registration", PRODUCTCARES, _update, camel_answer,
                                request=camel(UpdateRegistrationArgs), returns=camel(RegistrationInfo))
delete_registration = RestRoute("doctypes.registration.api.delete_registration", PRODUCTCARES, answer=camel_answer,
                                returns=camel(RegistrationDeleted))
get_registrations = RestRoute("doctypes.registration.api.get_registrations", PRODUCTCARES, _by_email, camel_answer,
                              request=camel(GetRegistrationsArgs), returns=camel(RegistrationInfo(many=True)))
