"""Party methods (Trakor's idempotent push, plus look-up and listing)."""

from __future__ import annotations

from typing import Any

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    ListPartiesArgs,
    PartyInfo,
    PartyPage,
    PartyPushed,
    PartyRefArgs,
    PartyRoleArgs,
    UpsertPartyArgs,
)


@whitelist(methods=["POST"], schema=UpsertPartyArgs, returns=PartyPushed)
def upsert_party(ctx: RequestContext, name: str, **values: Any) -> dict[str, Any]:
    """Create a party by name, or return the existing one with created: false; `roles` are added."""
    return service.upsert_party(ctx, name, **values)


@whitelist(methods=["GET"], schema=PartyRefArgs, returns=PartyInfo)
def get_party(ctx: RequestContext, party_id: str) -> dict[str, Any]:
    """One party by id or name."""
    return service.get_party(ctx, party_id)


@whitelist(methods=["GET"], schema=ListPartiesArgs, returns=PartyPage)
def list_parties(ctx: RequestContext, limit: int, offset: int, name: str | None = None,
                 email: str | None = None, role: str | None = None) -> dict[str, Any]:
    """Parties by name, optionally by a part of the name, email, or role (customer, vendor)."""
    return service.list_parties(ctx, limit, offset, name, email, role=role)


@whitelist(methods=["POST"], schema=PartyRoleArgs, returns=PartyInfo)
def remove_party_role(ctx: RequestContext, party_id: str, role: str) -> dict[str, Any]:
    """Take a role out of the party's set; orders that named it stay."""
    return service.remove_role(ctx, party_id, role)
