"""Parties: idempotent push by name, look-up, listing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id, upsert_scoped

from .model import CUSTOMER, Party


class PartyNotFound(errors.DoesNotExistError):
    """No party of that id in the caller's workspace and environment."""


class PartyRoleMissing(errors.ValidationError):
    """An order names a party that is not what it needs (a purchase order's vendor, a sales order's customer)."""


def upsert_party(ctx: RequestContext, name: str, roles: Sequence[str] = (), **values: Any) -> dict[str, Any]:
    """Create the party, or return the existing one of that name (updating fields sent that differ);
    `roles` are added to its set, never taken away (remove_role does that)."""
    party, created, updated = upsert_scoped(ctx, Party, Party.name, name, values,
                                            lambda: {"id": public_id(), "roles": _joined(roles)})
    if not created and add_roles(party, roles):
        updated = True
    return {"id": party.id, "name": party.name, "created": created, "updated": updated}


def add_roles(party: Party, roles: Iterable[str]) -> bool:
    """Add `roles` to the party's set; True if that changed it."""
    joined = _joined([*roles_of(party), *roles])
    if joined == party.roles:
        return False
    party.roles = joined
    party.save(only=[Party.roles])
    return True


def remove_role(ctx: RequestContext, party_id: str, role: str) -> dict[str, Any]:
    """Take `role` out of the party's set (its orders stay as they are)."""
    party = find_party(ctx, party_id, "party_id")
    joined = _joined(r for r in roles_of(party) if r != role)
    if joined != party.roles:
        party.roles = joined
        party.save(only=[Party.roles])
    return party_dict(party)


def roles_of(party: Party) -> list[str]:
    return party.roles.split(",") if party.roles else []


def _joined(roles: Iterable[str]) -> str:
    return ",".join(sorted(set(roles)))


def find_party(ctx: RequestContext, ref: str, field: str = "party") -> Party:
    """The caller's party by id or name; 404 naming the argument."""
    ref = ref.strip()
    party = (Party.scoped(ctx).where(Party.id == ref).first()
             or Party.scoped(ctx).where(Party.name == ref).first())
    if party is None:
        raise PartyNotFound(f"Party {ref[:64]} not found", field_errors={field: [f"No party {ref[:64]!r} in this workspace."]})
    return party


def require_party(ctx: RequestContext, ref: str, role: str, field: str = "party") -> Party:
    """The caller's party by id or name (404) that has `role` (417: a vendor for a purchase order)."""
    party = find_party(ctx, ref, field)
    if role not in roles_of(party):
        raise PartyRoleMissing(f"{party.name} is not a {role}",
                               field_errors={field: [f"Not a {role}: add the role with upsert_party first."]})
    return party


def party_dict(party: Party) -> dict[str, Any]:
    return {
        "id": party.id,
        "name": party.name,
        "contact_info": party.contact_info,
        "email": party.email,
        "phone": party.phone,
        "tags": party.tags.split(",") if party.tags else [],
        "roles": roles_of(party),
        "created_at": party.created_at,
    }


def get_party(ctx: RequestContext, party_id: str) -> dict[str, Any]:
    """The caller's party by id or name."""
    return party_dict(find_party(ctx, party_id, "party_id"))


ORDERS = {"name": (Party.name,)}  # the orders a list offers (records.ordered): each one an index gives


def list_parties(ctx: RequestContext, limit: int, offset: int, name: str | None = None,
                 email: str | None = None, order: str = "name", role: str | None = None) -> dict[str, Any]:
    """A page of the caller's parties in `order`, by a part of the name, email or role."""
    query = ordered(Party.scoped(ctx), ORDERS, order)
    if role:  # the two role names share no letters' run, so a substring names one role
        query = query.where(Party.roles.contains(role))
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
        add_roles(party, [CUSTOMER])
        return party
    taken = Party.scoped(ctx).where(Party.name == name).exists()
    values = {"email": email, "phone": phone, "contact_info": ""}
    party, _, _ = upsert_scoped(ctx, Party, Party.name, f"{name} <{email}>" if taken else name, values,
                                lambda: {"id": public_id(), "roles": CUSTOMER})
    add_roles(party, [CUSTOMER])
    return party


def add_tags(party: Party, tags: str) -> None:
    merged = ",".join(dict.fromkeys(t for t in (party.tags + "," + tags).split(",") if t))
    if merged != party.tags:
        party.tags = merged
        party.save(only=[Party.tags])
