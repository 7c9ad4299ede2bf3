"""Racko's warehouses (seeds/002): GET and POST /v2/warehouses, GET /v2/warehouses/{warehouse}
(id or code) and its bins, GET and POST /v2/warehouses/{warehouse}/bins."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_warehouses = RestRoute("doctypes.warehouse.api.list_warehouses", RACKO)
create_warehouse = RestRoute("doctypes.warehouse.api.create_warehouse", RACKO, status=201)
get_warehouse = RestRoute("doctypes.warehouse.api.get_warehouse", RACKO)
list_bins = RestRoute("doctypes.warehouse.api.list_bins", RACKO)
add_bin = RestRoute("doctypes.warehouse.api.add_bin", RACKO, status=201)
