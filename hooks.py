"""Declarative wiring, read by create_app(); every target here must resolve at start-up."""

app_name = "traciqo_rpc"

# Framework modules whose @whitelist functions are served.
method_modules = ["traciqo_rpc.api", "traciqo_rpc.client", "traciqo_rpc.exports"]

# Doctype packages under doctypes/: their model, service, api and jobs modules are loaded.
doctypes = [
    "plan", "workspace", "api_key", "api_request_log", "idempotency_key", "event", "email",
    "product", "party", "auth_code", "scan", "serial_number", "warranty", "registration", "upload", "webhook",
    "tracker_template", "branding", "tracker", "user", "session",
    "item",
    "warehouse", "stock",
    "bom", "build",
    "vendor_item", "purchase_order",
    "sales_order", "shipment",
]

# Other dotted paths that existing clients call -> our canonical path.
method_aliases = {
    "verilink_qr.verilink_qr.api.create_code": "doctypes.auth_code.api.create_code",
    "verilink_qr.verilink_qr.api.activate_warranty": "doctypes.warranty.api.activate_warranty",
    # Frappe's client API, over the resources below.
    **{f"frappe.client.{name}": f"traciqo_rpc.client.{name}"
       for name in ("get_list", "get_count", "get", "get_value", "insert", "save", "set_value", "delete")},
    "frappe.auth.get_logged_user": "traciqo_rpc.client.get_logged_user",
    # Frappe's session contract: POST /api/method/login (usr, pwd) and /api/method/logout.
    "login": "doctypes.session.api.login",
    "logout": "doctypes.session.api.logout",
}

# Doctypes served at /api/resource/<DocType> and by frappe.client.* (traciqo_rpc/resource.py).
resources = {
    "Product": "doctypes.product.resource.product",
    "Party": "doctypes.party.resource.party",
    "Authentication Code": "doctypes.auth_code.resource.authentication_code",
    "Code Batch": "doctypes.auth_code.resource.code_batch",
    "Scan": "doctypes.scan.resource.scan",
    "Serial Number": "doctypes.serial_number.resource.serial_number",
    "Warranty": "doctypes.warranty.resource.warranty",
    "Registration": "doctypes.registration.resource.registration",
    "Registration Form": "doctypes.registration.resource.registration_form",
    "Webhook": "doctypes.webhook.resource.webhook",
    "Webhook Delivery": "doctypes.webhook.resource.webhook_delivery",
    "Tracker": "doctypes.tracker.resource.tracker",
    "Tracker Template": "doctypes.tracker.resource.tracker_template",
    "Item": "doctypes.item.resource.item",
    "Warehouse": "doctypes.warehouse.resource.warehouse",
    "BOM": "doctypes.bom.resource.bom",
    "Build": "doctypes.build.resource.build",
    "Vendor Item": "doctypes.vendor_item.resource.vendor_item",
    "Purchase Order": "doctypes.purchase_order.resource.purchase_order",
    "Stock Entry": "doctypes.stock.resource.stock_entry",
    "Sales Order": "doctypes.sales_order.resource.sales_order",
    "Shipment": "doctypes.shipment.resource.shipment",
}

# "<doctype>:<change>" -> event name, written to the outbox in the same transaction.
doc_events = {
    "auth_code:created": "Code Created",
    "scan:captured": "Scan Captured",
    "warranty:registered": "Warranty Registered",
    "warranty:transferred": "Warranty Transferred",
    "warranty:voided": "Warranty Voided",
    "registration:created": "Registration Created",
    "registration:updated": "Registration Updated",
    "registration:deleted": "Registration Deleted",
    "tracker:created": "Tracker Created",
    "tracker:status_changed": "Tracker Status Changed",
    "tracker:completed": "Tracker Completed",
    "stock:receipt_posted": "Stock Receipt Posted",
    "stock:low": "Stock Low",
    "build:completed": "Build Completed",
    "shipment:created": "Order Shipped",
}
event_writer = "doctypes.event.service.write_events"  # (entries of (ctx, name, data)) -> ids, None if not kept

# Public HTML pages: route -> page function.
page_routes = {
    "/v/{code}": "doctypes.auth_code.page.verification_page",
    "/01/{gtin}/21/{code}": "doctypes.auth_code.page.digital_link_page",
    "/track/{token}": "doctypes.tracker.page.tracking_page",
    "/embed/{token}": "doctypes.tracker.page.embed_page",
    # The dashboard (doctypes/dashboard): sign-in, then pages whose forms post to the methods.
    "/login": "doctypes.dashboard.pages.login_page",
    "/app": "doctypes.dashboard.pages.overview",
    "/app/keys": "doctypes.dashboard.pages.api_keys",
    "/app/products": "doctypes.dashboard.catalogue.products_page",
    "/app/parties": "doctypes.dashboard.catalogue.parties_page",
    "/app/codes": "doctypes.dashboard.codes.codes_page",
    "/app/scans": "doctypes.dashboard.scans.scans_page",
    "/app/serials": "doctypes.dashboard.serials.serials_page",
    "/app/warranties": "doctypes.dashboard.warranties.warranties_page",
    "/app/registrations": "doctypes.dashboard.registrations.registrations_page",
    "/app/registration-forms": "doctypes.dashboard.registrations.forms_page",
    "/app/trackers": "doctypes.dashboard.trackers.trackers_page",
    "/app/trackers/{tracker_id}": "doctypes.dashboard.trackers.tracker_page",
    "/app/tracker-templates": "doctypes.dashboard.tracker_templates.templates_page",
    "/app/items": "doctypes.dashboard.items.items_page",
    "/app/items/{item}": "doctypes.dashboard.items.item_page",
    "/app/warehouses": "doctypes.dashboard.warehouses.warehouses_page",
    "/app/stock-ledger": "doctypes.dashboard.ledger.ledger_page",
    "/app/boms": "doctypes.dashboard.builds.boms_page",
    "/app/builds": "doctypes.dashboard.builds.builds_page",
    "/app/builds/{build}": "doctypes.dashboard.builds.build_page",
    "/app/stock-report": "doctypes.dashboard.reports.stock_report_page",
    "/app/sales-orders": "doctypes.dashboard.sales_orders.orders_page",
    "/app/sales-orders/{order}": "doctypes.dashboard.sales_orders.order_page",
    "/app/purchase-orders": "doctypes.dashboard.purchase_orders.orders_page",
    "/app/purchase-orders/{purchase_order}": "doctypes.dashboard.purchase_orders.order_page",
    "/app/workspace": "doctypes.dashboard.workspace.workspace_page",
    "/app/members": "doctypes.dashboard.members.members_page",
    "/app/emails": "doctypes.dashboard.emails.emails_page",
    "/app/account": "doctypes.dashboard.account.account_page",
    "/invite/{token}": "doctypes.dashboard.members.invitation_page",
    "/reset": "doctypes.dashboard.members.reset_request_page",
    "/reset/{token}": "doctypes.dashboard.members.reset_page",
    "/app/webhooks": "doctypes.dashboard.webhooks.webhooks_page",
    "/app/webhooks/deliveries/{delivery_id}": "doctypes.dashboard.webhooks.delivery_page",
}

# Job -> interval in seconds; enqueued by the worker's scheduler (once per interval cluster-wide).
scheduled_jobs = {
    "doctypes.api_request_log.jobs.prune_request_logs": 3600,
    "doctypes.idempotency_key.jobs.prune_idempotency_keys": 3600,
    "doctypes.email.jobs.send_due_emails": 60,
    "doctypes.email.jobs.prune_emails": 3600,
    "doctypes.warranty.jobs.queue_warranty_reminders": 3600,
    "doctypes.webhook.jobs.sweep_webhooks": 30,
    "doctypes.session.jobs.prune_sessions": 3600,
    "doctypes.event.jobs.prune_events": 3600,
    "doctypes.upload.jobs.prune_uploads": 3600,
}

# Fixture file under fixtures/ -> loader.
fixtures = {
    "plans.json": "doctypes.plan.service.load_fixtures",
    "tracker_templates.json": "doctypes.tracker_template.service.load_fixtures",
}

# REST routes other products' clients call ("VERB /path" -> a RestRoute onto a whitelisted
# method, in that product's dialect: traciqo_rpc/rest.py). Frappe's /api/resource is built in.
rest_routes = {
    # Trakor (seeds/004)
    "POST /api/public/v1/products": "doctypes.product.routes.trakor_products",
    "POST /api/public/v1/parties": "doctypes.party.routes.trakor_parties",
    # ProductCares (seeds/001)
    "POST /api/registrations": "doctypes.registration.routes.add_registrations",
    "GET /api/registrations": "doctypes.registration.routes.get_registrations",
    "PUT /api/registrations/{registration_id}": "doctypes.registration.routes.update_registration",
    "DELETE /api/registrations/{registration_id}": "doctypes.registration.routes.delete_registration",
    "POST /api/serial_numbers": "doctypes.serial_number.routes.add_serial_numbers",
    "GET /api/serial_number": "doctypes.serial_number.routes.unregistered_serial_number",
    "GET /api/serial_numbers/{serial_number:path}": "doctypes.serial_number.routes.get_serial_number",
    "GET /api/upload_file": "doctypes.upload.routes.upload_url",
    "GET /api/upload_fiile": "doctypes.upload.routes.upload_url",  # the seed's own spelling
    # Tracee (seeds/003); its paths end with a slash, which every route here may or may not have.
    "POST /api/v1/trackers": "doctypes.tracker.routes.create_tracker",
    "GET /api/v1/trackers/{tracker_id}": "doctypes.tracker.routes.get_tracker",
    "POST /api/v1/trackers/{tracker_id}/status": "doctypes.tracker.routes.update_status",
    "GET /api/v1/trackers/{tracker_id}/qr": "doctypes.tracker.routes.tracker_qr",
    "GET /api/v1/templates": "doctypes.tracker_template.routes.list_templates",
    # Racko (seeds/002): RACKO-API-KEY + RACKO-SECRET, bare JSON, Racko's statuses (doctypes/item/racko.py).
    "GET /v2/items": "doctypes.item.routes.list_items",
    "POST /v2/items": "doctypes.item.routes.create_item",
    "GET /v2/items/{item}": "doctypes.item.routes.get_item",
    "PUT /v2/items/{item}": "doctypes.item.routes.update_item",
    "GET /v2/items/{item}/stock": "doctypes.stock.routes.get_stock",
    "GET /v2/warehouses": "doctypes.warehouse.routes.list_warehouses",
    "POST /v2/warehouses": "doctypes.warehouse.routes.create_warehouse",
    "GET /v2/warehouses/{warehouse}": "doctypes.warehouse.routes.get_warehouse",
    "GET /v2/warehouses/{warehouse}/bins": "doctypes.warehouse.routes.list_bins",
    "POST /v2/warehouses/{warehouse}/bins": "doctypes.warehouse.routes.add_bin",
    "GET /v2/stock": "doctypes.stock.routes.get_stock",
    "POST /v2/transfers": "doctypes.stock.routes.transfer",
    "POST /v2/adjustments": "doctypes.stock.routes.adjust",
    "GET /v2/customers": "doctypes.party.routes.list_customers",
    "POST /v2/customers": "doctypes.party.routes.create_customer",
    "GET /v2/vendors": "doctypes.party.routes.list_vendors",
    "POST /v2/vendors": "doctypes.party.routes.create_vendor",
    "GET /v2/sales-orders": "doctypes.sales_order.routes.list_sales_orders",
    "POST /v2/sales-orders": "doctypes.sales_order.routes.create_sales_order",
    "GET /v2/sales-orders/{order}": "doctypes.sales_order.routes.get_sales_order",
    "POST /v2/sales-orders/{order}/confirm": "doctypes.sales_order.routes.confirm_sales_order",
    "POST /v2/sales-orders/{order}/cancel": "doctypes.sales_order.routes.cancel_sales_order",
    "POST /v2/sales-orders/{order}/close": "doctypes.sales_order.routes.close_sales_order",
    "GET /v2/purchase-orders": "doctypes.purchase_order.routes.list_purchase_orders",
    "POST /v2/purchase-orders": "doctypes.purchase_order.routes.create_purchase_order",
    "GET /v2/purchase-orders/{order}": "doctypes.purchase_order.routes.get_purchase_order",
    "POST /v2/purchase-orders/{order}/place": "doctypes.purchase_order.routes.place_purchase_order",
    "POST /v2/purchase-orders/{order}/receipts": "doctypes.purchase_order.routes.receive_purchase_order",
    "GET /v2/shipments": "doctypes.shipment.routes.list_shipments",
    "POST /v2/shipments": "doctypes.shipment.routes.create_shipment",
    "GET /v2/shipments/{shipment}": "doctypes.shipment.routes.get_shipment",
    "GET /v2/boms": "doctypes.bom.routes.list_boms",
    "POST /v2/boms": "doctypes.bom.routes.create_bom",
    "GET /v2/boms/{bom}": "doctypes.bom.routes.get_bom",
    "GET /v2/builds": "doctypes.build.routes.list_builds",
    "POST /v2/builds": "doctypes.build.routes.create_build",
    "GET /v2/builds/{build}": "doctypes.build.routes.get_build",
    "POST /v2/builds/{build}/complete": "doctypes.build.routes.complete_build",
    "GET /v2/exports/{doctype}": "doctypes.stock.routes.export_list",
    # CSV export of any resource's list, beside Frappe's /api/resource/<DocType> (traciqo_rpc/exports.py)
    "GET /api/export/{doctype}": "traciqo_rpc.exports.export_route",
}

# Plain HTTP routes ("VERB /path" -> function(ctx, params, headers, body)).
http_routes = {
    "PUT /upload/{token}": "doctypes.upload.service.receive",
    "GET /files/{key}/{name}": "doctypes.upload.service.serve",
    "GET /track/{token}/qr.png": "doctypes.tracker.page.tracking_qr",
}

# Functions that add `traciqo-rpc` subcommands: register(subparsers).
cli_commands = ["doctypes.workspace.cli.register", "doctypes.auth_code.cli.register", "doctypes.user.cli.register",
                "doctypes.stock.cli.register", "traciqo_rpc.exports.register", "traciqo_rpc.copy_database.register",
                "traciqo_rpc.backup.register"]

# How the framework finds an API key's principal, and where usage (minute counts, recent calls) goes.
principal_loader = "doctypes.api_key.service.load_principal"
# A session cookie's token hash -> (principal, CSRF token) or None (traciqo_rpc/sessions.py).
session_loader = "doctypes.session.service.load_principal"
request_log_writer = "doctypes.api_request_log.service.write_batch"
# Where Idempotency-Key claims and the answers to replay are kept (traciqo_rpc/idempotency.py).
idempotency_store = "doctypes.idempotency_key.service.DatabaseStore"
