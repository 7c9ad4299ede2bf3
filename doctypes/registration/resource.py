"""Registration and Registration Form as Frappe resources. A registration's name is its id and
the customer's name is `customer_name`; creating, saving and deleting one go through
add_registrations, update_registration and delete_registration."""

from __future__ import annotations

import json
from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.resource import Column, Resource, Write

from .model import Registration, RegistrationForm

CONTACT = ("customer_name", "phone", "receipt_url")


def _entry(values: dict[str, Any]) -> dict[str, Any]:
    """A document's fields as a registration entry: the form's extra fields sit beside the standard ones."""
    entry = {key: value for key, value in values.items() if key not in ("customer_name", "fields")}
    if "customer_name" in values:
        entry["name"] = values["customer_name"]
    return {**values.get("fields", {}), **entry}


class ExtraFieldsNotAnObject(errors.ValidationError):
    """A registration's `fields` holds its form's extra fields by name."""


def _register(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(values.get("fields", {}), dict):
        raise ExtraFieldsNotAnObject("fields must be an object", field_errors={"fields": ["Must be an object."]})
    return {"registrations": [_entry(values)]}


def _change(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    changes = {key: value for key, value in values.items() if key in ("phone", "receipt_url", "fields")}
    if "customer_name" in values:
        changes["name"] = values["customer_name"]
    return {"registration_id": name, **changes}


registration = Resource(
    model=Registration,
    fields={
        "name": Registration.id, "type": Registration.form_slug, "email": Registration.email,
        "customer_name": Registration.name, "phone": Registration.phone,
        "serial_number": Registration.serial_number, "warranty_id": Registration.warranty_id,
        "purchase_date": Registration.purchase_date, "receipt_url": Registration.receipt_url,
        "fields": Column(Registration.fields, show=json.loads),
    },
    filterable=("name", "email"),
    created=Registration.created_at,
    modified=Registration.updated_at,
    sequence=Registration.id,  # time-first ids
    insert=Write("doctypes.registration.api.add_registrations",
                 ("type", "email", "customer_name", "phone", "serial_number", "purchase_date", "receipt_url", "fields"),
                 _register, name_of=lambda result, _: result["registrations"][0]["id"]),
    update=Write("doctypes.registration.api.update_registration", (*CONTACT, "fields"), _change),
    delete=Write("doctypes.registration.api.delete_registration", (), lambda name, _: {"registration_id": name}),
)

registration_form = Resource(
    model=RegistrationForm,
    fields={"name": RegistrationForm.slug, "title": RegistrationForm.title,
            "fields": Column(RegistrationForm.fields, show=json.loads)},
    created=RegistrationForm.created_at,
    sequence=RegistrationForm.id,
    insert=Write("doctypes.registration.api.create_registration_form", ("name", "title", "fields"),
                 lambda _, values: {"slug": values.get("name"), **{k: v for k, v in values.items() if k != "name"}},
                 name_of=lambda _, values: values.get("name")),
)
