"""Registration forms, and registrations that may start a warranty in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from doctypes.warranty.activation import ActivationRequest, activate_many
from traciqo_rpc import errors, publish, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import public_id

from . import forms
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
    problems = forms.check(_definition(ctx, registration.form_slug), merged, partial=True)
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
