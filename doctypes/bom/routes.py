"""Racko's bills of materials (seeds/002): GET and POST /v2/boms, GET /v2/boms/{bom}."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_boms = RestRoute("doctypes.bom.api.list_boms", RACKO)
create_bom = RestRoute("doctypes.bom.api.create_bom", RACKO, status=201)
get_bom = RestRoute("doctypes.bom.api.get_bom", RACKO)
