"""Registration forms, and registrations that may start a warranty in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from doctypes.warranty.activation import ActivationRequest, activate_many
from traciqo_rpc import errors, publish, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id

from . import forms
from .forms import MAX_FORM_FIELDS
from .model import DEFAULT_FORM, Registration, RegistrationForm


class RegistrationFormExists(errors.DuplicateEntryError):
    """A form with that slug exists already."""


class UnknownRegistrationForm(errors.ValidationError):
    """A registration names a form the workspace does not have."""


class RegistrationsInvalid(errors.ValidationError):
    """Some entries of a batch of registrations break their form's rules."""


class RegistrationNotFound(errors.DoesNotExistError):
    """No registration with that id in the caller's workspace and environment."""


class RegistrationFieldsInvalid(errors.ValidationError):
    """Changed extra fields break the registration's form."""


class RegistrationFormNotFound(errors.DoesNotExistError):
    """No form with that slug in the caller's workspace and environment."""


class FormFieldNotFound(errors.DoesNotExistError):
    """The form has no extra field of that name."""


class FormFieldExists(errors.ValidationError):
    """The form has an extra field of that name already."""


class TooManyFormFields(errors.LimitExceeded):
    """A form asks for at most MAX_FORM_FIELDS extra fields."""


class RegistrationFormInUse(errors.ValidationError):
    """Registrations were made with the form: deleting it would leave them without one."""


STANDARD = ("type", "email", "name", "phone", "serial_number", "purchase_date", "receipt_url")


def create_form(ctx: RequestContext, slug: str, title: str, form_fields: list[dict[str, Any]]) -> dict[str, Any]:
    if RegistrationForm.scoped(ctx).where(RegistrationForm.slug == slug).exists():
        raise RegistrationFormExists(f"Form {slug!r} already exists")
    form = RegistrationForm.create(slug=slug, title=title, fields=json.dumps(form_fields),
                                   **RegistrationForm.scope_values(ctx))
    return form_dict(form)


def form_dict(form: RegistrationForm) -> dict[str, Any]:
    return {"slug": form.slug, "title": form.title, "fields": json.loads(form.fields), "created_at": form.created_at}


def list_forms(ctx: RequestContext) -> list[dict[str, Any]]:
    return [form_dict(f) for f in RegistrationForm.scoped(ctx).order_by(RegistrationForm.slug)]


def _find_form(ctx: RequestContext, slug: str) -> RegistrationForm:
    form = RegistrationForm.scoped(ctx).where(RegistrationForm.slug == slug).first()
    if form is None:
        raise RegistrationFormNotFound(f"Form {slug!r} not found")
    return form


def _change_form(ctx: RequestContext, slug: str, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
                 title: str | None = None) -> dict[str, Any]:
    """Store the form's extra fields as `change` makes them from the stored ones (and its new title).

    Registrations keep the values they were made with: a field removed or changed later
    stays in them as it was (update_registration checks only the values it is sent).
    """
    for _ in range(5):
        form = _find_form(ctx, slug)
        stored = form.fields
        form.fields = json.dumps(change(json.loads(stored)))
        form.title = title or form.title
        # Another editor may have saved the form since it was read: write over what was read
        # only, else read it again (on PostgreSQL two builders could otherwise lose a field).
        saved = (RegistrationForm.update(fields=form.fields, title=form.title)
                 .where(RegistrationForm.id == form.id, RegistrationForm.fields == stored).execute())
        if saved:
            return form_dict(form)
    raise RuntimeError(f"form {slug!r} kept changing while it was being saved")


def update_form(ctx: RequestContext, slug: str, title: str | None,
                form_fields: list[dict[str, Any]] | None) -> dict[str, Any]:
    """A new title, or the whole list of extra fields in their new order, or both."""
    return _change_form(ctx, slug, lambda stored: stored if form_fields is None else form_fields, title)


def add_field(ctx: RequestContext, slug: str, field: dict[str, Any]) -> dict[str, Any]:
    """A new extra field at the end of the form."""
    def add(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if any(f["name"] == field["name"] for f in stored):
            raise FormFieldExists(f"Form {slug!r} has a field {field['name']!r} already",
                                  field_errors={"name": ["The form has a field with this name already."]})
        if len(stored) >= MAX_FORM_FIELDS:
            raise TooManyFormFields(f"A form has at most {MAX_FORM_FIELDS} fields",
                                    field_errors={"fields": [f"At most {MAX_FORM_FIELDS} fields."]})
        return [*stored, field]
    return _change_form(ctx, slug, add)


def _position(stored: list[dict[str, Any]], slug: str, name: str) -> int:
    for index, field in enumerate(stored):
        if field["name"] == name:
            return index
    raise FormFieldNotFound(f"Form {slug!r} has no field {name!r}")


def remove_field(ctx: RequestContext, slug: str, name: str) -> dict[str, Any]:
    """The form without that field; registrations made with it keep their value."""
    def remove(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        index = _position(stored, slug, name)
        return stored[:index] + stored[index + 1:]
    return _change_form(ctx, slug, remove)


def move_field(ctx: RequestContext, slug: str, name: str, direction: str) -> dict[str, Any]:
    """Swap a field with the one before ("up") or after ("down"); at either end nothing moves."""
    def move(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
        index = _position(stored, slug, name)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(stored):
            stored[index], stored[other] = stored[other], stored[index]
        return stored
    return _change_form(ctx, slug, move)


def delete_form(ctx: RequestContext, slug: str) -> dict[str, Any]:
    """Delete a form no registration was made with."""
    form = _find_form(ctx, slug)
    # A registration made at this very moment may still slip in; it then keeps its values and
    # shows as ever, only its extra fields can no longer be changed.
    if Registration.scoped(ctx).where(Registration.form_slug == slug).exists():
        raise RegistrationFormInUse(f"Registrations were made with form {slug!r}: delete them first",
                                    field_errors={"slug": ["Registrations were made with this form."]})
    form.delete_instance()
    return {"deleted": slug}


def _definition(ctx: RequestContext, slug: str) -> list[dict[str, Any]]:
    """A form's extra fields; the default form exists without being created (no extra fields)."""
    form = RegistrationForm.scoped(ctx).where(RegistrationForm.slug == slug).first()
    if form is None:
        if slug == DEFAULT_FORM:
            return []
        raise UnknownRegistrationForm(f"Unknown form {slug!r}", field_errors={"type": ["No form with this slug."]})
    return json.loads(form.fields)


def add_registrations(ctx: RequestContext, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """All or nothing: every entry is checked first, then each is stored (and its warranty started)."""
    problems: dict[str, Any] = {}
    prepared = []
    for index, entry in enumerate(entries):
        slug = entry.get("type") or DEFAULT_FORM
        extra = {k: v for k, v in entry.items() if k not in STANDARD}
        try:
            found = forms.check(_definition(ctx, slug), extra)
        except errors.ValidationError as exc:
            found = dict(exc.field_errors or {})
        if found:
            problems[str(index)] = found
        prepared.append((slug, entry, extra))
    if problems:
        raise RegistrationsInvalid("Some registrations are invalid", field_errors={"registrations": problems})
    warranties = iter(_activate(ctx, [entry for _, entry, _ in prepared if entry.get("serial_number")]))
    stored = [_store(ctx, slug, entry, extra, next(warranties) if entry.get("serial_number") else None)
              for slug, entry, extra in prepared]
    publish_many([(ctx, "registration:created", registration) for registration in stored])
    return {"registrations": stored}


def _activate(ctx: RequestContext, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries' warranties, started together; the first refusal refuses them all."""
    outcomes = activate_many([ActivationRequest(ctx, entry["serial_number"], entry["name"], entry["email"].lower(),
                                                entry.get("phone"), entry.get("purchase_date")) for entry in entries])
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome
    return outcomes  # type: ignore[return-value]  # no refusals left


def _store(ctx: RequestContext, slug: str, entry: dict[str, Any], extra: dict[str, Any],
           warranty: dict[str, Any] | None) -> dict[str, Any]:
    registration = Registration.create(
        id=public_id(), form_slug=slug, email=entry["email"].lower(), name=entry["name"], phone=entry.get("phone"),
        serial_number=entry.get("serial_number"), warranty_id=warranty["id"] if warranty else None,
        purchase_date=entry.get("purchase_date"), receipt_url=entry.get("receipt_url"),
        fields=json.dumps(extra), **Registration.scope_values(ctx))
    return registration_dict(registration)


def registration_dict(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.id, "type": registration.form_slug, "email": registration.email, "name": registration.name,
        "phone": registration.phone, "serial_number": registration.serial_number,
        "warranty_id": registration.warranty_id, "purchase_date": registration.purchase_date,
        "receipt_url": registration.receipt_url, "fields": json.loads(registration.fields),
        "created_at": registration.created_at, "updated_at": registration.updated_at,
    }


def _find(ctx: RequestContext, registration_id: str) -> Registration:
    registration = Registration.scoped(ctx).where(Registration.id == registration_id).first()
    if registration is None:
        raise RegistrationNotFound(f"Registration {registration_id} not found")
    return registration


def update_registration(ctx: RequestContext, registration_id: str, extra: dict[str, Any],
                        **standard: Any) -> dict[str, Any]:
    """Change extra fields (merged, checked against the form) and the contact details given."""
    registration = _find(ctx, registration_id)
    merged = {**json.loads(registration.fields), **extra}
    # Only the values sent are checked: the stored ones fitted the form when they were made,
    # and the form may have changed since (a field removed, or its type).
    problems = forms.check(_definition(ctx, registration.form_slug), extra, partial=True)
    if problems:
        raise RegistrationFieldsInvalid("Invalid fields", field_errors={"fields": problems})
    registration.fields = json.dumps(merged)
    for name, value in standard.items():
        setattr(registration, name, value)
    registration.updated_at = ctx.now()
    registration.save()
    result = registration_dict(registration)
    publish(ctx, "registration:updated", result)
    return result


def delete_registration(ctx: RequestContext, registration_id: str) -> dict[str, Any]:
    """Delete the registration record; a warranty it started stays (void it separately)."""
    registration = _find(ctx, registration_id)
    registration.delete_instance()
    # The row as it was: once it is gone, the event is all an integrator has to match it by.
    publish(ctx, "registration:deleted", registration_dict(registration))
    return {"deleted": registration_id}


def get_registrations(ctx: RequestContext, email: str, form_slug: str | None, limit: int) -> list[dict[str, Any]]:
    query = Registration.scoped(ctx).where(Registration.email == email.lower())
    if form_slug:
        query = query.where(Registration.form_slug == form_slug)
    return [registration_dict(r) for r in query.order_by(Registration.created_at.desc()).limit(limit)]


ORDERS = {"created": (Registration.id,)}  # the orders a list offers (records.ordered): ids are time-first


def list_registrations(ctx: RequestContext, limit: int, offset: int, form_slug: str | None = None,
                       email: str | None = None, order: str = "-created") -> dict[str, Any]:
    """Newest first by default; each filter has an index in the ids' order (model.py)."""
    query = ordered(Registration.scoped(ctx), ORDERS, order)
    if email:
        query = query.where(Registration.email == email.lower())
    if form_slug:
        query = query.where(Registration.form_slug == form_slug)
    return paginate(query, limit, offset, registration_dict)
