"""Racko's items (seeds/002): GET and POST /v2/items, GET and PUT /v2/items/{item} (id or SKU)."""

from __future__ import annotations

from traciqo_rpc.rest import RestRoute

from .racko import RACKO

list_items = RestRoute("doctypes.item.api.list_items", RACKO)
create_item = RestRoute("doctypes.item.api.create_item", RACKO, status=201)
get_item = RestRoute("doctypes.item.api.get_item", RACKO)
update_item = RestRoute("doctypes.item.api.update_item", RACKO)
