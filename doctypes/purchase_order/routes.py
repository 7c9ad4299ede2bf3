"""Racko's purchase orders (seeds/002): GET and POST /v2/purchase-orders, GET
/v2/purchase-orders/{order}, placing one, and its receipts (POST .../receipts)."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_purchase_orders = RestRoute("doctypes.purchase_order.api.list_purchase_orders", RACKO)
create_purchase_order = RestRoute("doctypes.purchase_order.api.create_purchase_order", RACKO, status=201)
get_purchase_order = RestRoute("doctypes.purchase_order.api.get_purchase_order", RACKO)
place_purchase_order = RestRoute("doctypes.purchase_order.api.place_purchase_order", RACKO)
receive_purchase_order = RestRoute("doctypes.purchase_order.api.receive_purchase_order", RACKO, status=201)
