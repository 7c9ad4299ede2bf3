"""Racko's sales orders (seeds/002): GET and POST /v2/sales-orders, GET
/v2/sales-orders/{order}, and its confirm, cancel and close."""

from __future__ import annotations

from doctypes.item.racko import RACKO
from traciqo_rpc.rest import RestRoute

list_sales_orders = RestRoute("doctypes.sales_order.api.list_sales_orders", RACKO)
create_sales_order = RestRoute("doctypes.sales_order.api.create_sales_order", RACKO, status=201)
get_sales_order = RestRoute("doctypes.sales_order.api.get_sales_order", RACKO)
confirm_sales_order = RestRoute("doctypes.sales_order.api.confirm_sales_order", RACKO)
cancel_sales_order = RestRoute("doctypes.sales_order.api.cancel_sales_order", RACKO)
close_sales_order = RestRoute("doctypes.sales_order.api.close_sales_order", RACKO)
