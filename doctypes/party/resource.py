"""Party as a Frappe resource: its name is its key, as in Trakor's idempotent push."""

from __future__ import annotations

from typing import Any

from traciqo_rpc.resource import Column, Resource, Write

from .model import Party

EDITABLE = ("contact_info", "email", "phone", "roles")  # roles sent are added to the set


def _changes(name: str | None, values: dict[str, Any]) -> dict[str, Any]:
    return values if name is None else {"name": name, **values}


party = Resource(
    model=Party,
    fields={
        "name": Party.name, "id": Party.id, "contact_info": Party.contact_info, "email": Party.email,
        "phone": Party.phone, "tags": Column(Party.tags, show=lambda tags: tags.split(",") if tags else []),
        "roles": Column(Party.roles, show=lambda roles: roles.split(",") if roles else []),
    },
    filterable=("name", "id", "email"),
    created=Party.created_at,
    sequence=Party.id,  # time-first ids
    order_by="name asc",
    insert=Write("doctypes.party.api.upsert_party", ("name", *EDITABLE), _changes, name_of=lambda result, _: result["name"]),
    update=Write("doctypes.party.api.upsert_party", EDITABLE, _changes),
)
