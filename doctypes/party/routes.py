"""Parties at other products' routes: Trakor's public API (seeds/004), POST
/api/public/v1/parties as upsert_party; Racko's customers and vendors (seeds/002), GET and POST
/v2/customers and /v2/vendors, which are parties with that role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doctypes.item.racko import RACKO
from doctypes.product.routes import TRAKOR
from traciqo_rpc.rest import RestRoute

from .model import CUSTOMER, VENDOR
from .schema import ListPartiesArgs, UpsertPartyArgs

trakor_parties = RestRoute("doctypes.party.api.upsert_party", TRAKOR)


class ListByRoleArgs(ListPartiesArgs):
    """What GET /v2/customers and /v2/vendors take: the role is the route's."""

    class Meta:
        exclude = ("role",)


class NewPartyArgs(UpsertPartyArgs):
    """What POST /v2/customers and /v2/vendors take: the role is the route's (added to an
    existing party of that name, which a customer that is also a vendor is)."""

    class Meta:
        exclude = ("roles",)


def _listed_as(role: str) -> Any:
    def arguments(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
        return {**args, **params, "role": role}
    return arguments


def _pushed_as(role: str) -> Any:
    def arguments(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
        return {**args, **params, "roles": [role]}
    return arguments


list_customers = RestRoute("doctypes.party.api.list_parties", RACKO, _listed_as(CUSTOMER), request=ListByRoleArgs)
create_customer = RestRoute("doctypes.party.api.upsert_party", RACKO, _pushed_as(CUSTOMER), request=NewPartyArgs)
list_vendors = RestRoute("doctypes.party.api.list_parties", RACKO, _listed_as(VENDOR), request=ListByRoleArgs)
create_vendor = RestRoute("doctypes.party.api.upsert_party", RACKO, _pushed_as(VENDOR), request=NewPartyArgs)
