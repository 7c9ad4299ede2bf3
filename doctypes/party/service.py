"""Parties: idempotent push by name, look-up, listing."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id, upsert_scoped

from .model import Party


class PartyNotFound(errors.DoesNotExistError):
    """No party of that id in the caller's workspace and environment."""


def upsert_party(ctx: RequestContext, name: str, **values: Any) -> dict[str, Any]:
    """Create the party, or return the existing one of that name (updating fields sent that differ)."""
    party, created, updated = upsert_scoped(ctx, Party, Party.name, name, values, lambda: {"id": public_id()})
    return {"id": party.id, "name": party.name, "created": created, "updated": updated}


def party_dict(party: Party) -> dict[str, Any]:
    return {
        "id": party.id,
        "name": party.name,
        "contact_info": party.contact_info,
        "email": party.email,
        "phone": party.phone,
        "tags": party.tags.split(",") if party.tags else [],
        "created_at": party.created_at,
    }


def get_party(ctx: RequestContext, party_id: str) -> dict[str, Any]:
    party = Party.scoped(ctx).where(Party.id == party_id).first()
    if party is None:
        raise PartyNotFound(f"Party {party_id} not found")
    return party_dict(party)


ORDERS = {"name": (Party.name,)}  # the orders a list offers (records.ordered): each one an index gives


def list_parties(ctx: RequestContext, limit: int, offset: int, name: str | None = None,
                 email: str | None = None, order: str = "name") -> dict[str, Any]:
    query = ordered(Party.scoped(ctx), ORDERS, order)
    if name:
        query = query.where(Party.name.contains(name))
    if email:
        query = query.where(Party.email == email.lower())
    return paginate(query, limit, offset, party_dict)


def customer_for(ctx: RequestContext, name: str, email: str, phone: str | None) -> Party:
    """The party with this email, or a new one. Names are unique per workspace (Trakor's
    idempotency key), so a second customer of the same name gets their email in the name."""
    party = Party.scoped(ctx).where(Party.email == email).first()
    if party is not None:
        if phone and party.phone != phone:
            party.phone = phone
            party.save(only=[Party.phone])
        return party
    taken = Party.scoped(ctx).where(Party.name == name).exists()
    values = {"email": email, "phone": phone, "contact_info": ""}
    party, _, _ = upsert_scoped(ctx, Party, Party.name, f"{name} <{email}>" if taken else name, values,
                                lambda: {"id": public_id()})
    return party


def add_tags(party: Party, tags: str) -> None:
    merged = ",".join(dict.fromkeys(t for t in (party.tags + "," + tags).split(",") if t))
    if merged != party.tags:
        party.tags = merged
        party.save(only=[Party.tags])
