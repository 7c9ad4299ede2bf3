"""Racko's shipments (seeds/002): GET and POST /v2/shipments, GET /v2/shipments/{shipment}."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_shipments = RestRoute("doctypes.shipment.api.list_shipments", RACKO)
create_shipment = RestRoute("doctypes.shipment.api.create_shipment", RACKO, status=201)
get_shipment = RestRoute("doctypes.shipment.api.get_shipment", RACKO)
