"""Registration methods (ProductCares' registrations and forms, as Frappe methods)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    AddFormFieldArgs,
    AddRegistrationsArgs,
    CreateFormArgs,
    FormDeleted,
    FormFieldRefArgs,
    FormInfo,
    FormRefArgs,
    GetRegistrationsArgs,
    ListRegistrationsArgs,
    MoveFormFieldArgs,
    RegistrationDeleted,
    RegistrationInfo,
    RegistrationPage,
    RegistrationRefArgs,
    RegistrationsAdded,
    UpdateFormArgs,
    UpdateRegistrationArgs,
)


@whitelist(methods=["POST"], schema=CreateFormArgs, returns=FormInfo)
def create_registration_form(ctx: RequestContext, slug: str, title: str,
                             form_fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A form by slug whose extra fields (type, required, options) registrations must fit."""
    return service.create_form(ctx, slug, title, form_fields)


@whitelist(methods=["GET"], returns=FormInfo(many=True))
def list_registration_forms(ctx: RequestContext) -> list[dict[str, Any]]:
    return service.list_forms(ctx)


@whitelist(methods=["POST"], schema=UpdateFormArgs, returns=FormInfo)
def update_registration_form(ctx: RequestContext, slug: str, title: str | None = None,
                             form_fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A form's new title or its whole new list of extra fields; registrations made before keep their values."""
    return service.update_form(ctx, slug, title, form_fields)


@whitelist(methods=["POST"], schema=AddFormFieldArgs, returns=FormInfo)
def add_registration_form_field(ctx: RequestContext, slug: str, **field: Any) -> dict[str, Any]:
    """One extra field added at the end of a form (the dashboard's form builder posts these)."""
    return service.add_field(ctx, slug, field)


@whitelist(methods=["POST"], schema=FormFieldRefArgs, returns=FormInfo)
def remove_registration_form_field(ctx: RequestContext, slug: str, name: str) -> dict[str, Any]:
    return service.remove_field(ctx, slug, name)


@whitelist(methods=["POST"], schema=MoveFormFieldArgs, returns=FormInfo)
def move_registration_form_field(ctx: RequestContext, slug: str, name: str, direction: str) -> dict[str, Any]:
    return service.move_field(ctx, slug, name, direction)


@whitelist(methods=["POST", "DELETE"], schema=FormRefArgs, returns=FormDeleted)
def delete_registration_form(ctx: RequestContext, slug: str) -> dict[str, Any]:
    """Delete a form no registration was made with."""
    return service.delete_form(ctx, slug)


@whitelist(methods=["POST"], schema=AddRegistrationsArgs, returns=RegistrationsAdded)
def add_registrations(ctx: RequestContext, registrations: list[dict[str, Any]]) -> dict[str, Any]:
    """Register several products in one call; one naming a serial number activates its warranty."""
    return service.add_registrations(ctx, registrations)


@whitelist(methods=["POST"], schema=UpdateRegistrationArgs, returns=RegistrationInfo)
def update_registration(ctx: RequestContext, registration_id: str, extra: dict[str, Any],
                        **standard: Any) -> dict[str, Any]:
    return service.update_registration(ctx, registration_id, extra, **standard)


@whitelist(methods=["POST", "DELETE"], schema=RegistrationRefArgs, returns=RegistrationDeleted)
def delete_registration(ctx: RequestContext, registration_id: str) -> dict[str, Any]:
    return service.delete_registration(ctx, registration_id)


@whitelist(methods=["GET"], schema=GetRegistrationsArgs, returns=RegistrationInfo(many=True))
def get_registrations(ctx: RequestContext, email: str, limit: int, form_slug: str | None = None) -> list[dict[str, Any]]:
    """A customer's registrations (by email), newest first."""
    return service.get_registrations(ctx, email, form_slug, limit)


@whitelist(methods=["GET"], schema=ListRegistrationsArgs, returns=RegistrationPage)
def list_registrations(ctx: RequestContext, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    """Registrations newest first, by form or customer email."""
    return service.list_registrations(ctx, limit, offset, **filters)
