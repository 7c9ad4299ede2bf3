"""Trakor's public API (seeds/004): POST /api/public/v1/parties, as upsert_party."""

from __future__ import annotations

from doctypes.product.routes import TRAKOR
from traciqo_rpc.rest import RestRoute

trakor_parties = RestRoute("doctypes.party.api.upsert_party", TRAKOR)
