"""Declarative wiring, read by create_app(); every target here must resolve at start-up."""

app_name = "traciqo_rpc"

# Framework modules whose @whitelist functions are served.
method_modules = ["traciqo_rpc.api"]

# Doctype packages under doctypes/: their model, service, api and jobs modules are loaded.
doctypes = [
    "plan", "workspace", "api_key", "api_request_log", "event", "email",
    "product", "party", "auth_code", "scan", "serial_number", "warranty", "registration", "upload", "webhook",
]

# Other dotted paths that existing clients call -> our canonical path.
method_aliases = {
    "verilink_qr.verilink_qr.api.create_code": "doctypes.auth_code.api.create_code",
    "verilink_qr.verilink_qr.api.activate_warranty": "doctypes.warranty.api.activate_warranty",
}

# "<doctype>:<change>" -> event name, written to the outbox in the same transaction.
doc_events = {
    "auth_code:created": "Code Created",
    "scan:captured": "Scan Captured",
    "warranty:registered": "Warranty Registered",
    "warranty:transferred": "Warranty Transferred",
    "warranty:voided": "Warranty Voided",
}
event_writer = "doctypes.event.service.write_events"  # (entries of (ctx, name, data)) -> ids, None if not kept

# Public HTML pages: route -> page function.
page_routes = {
    "/v/{code}": "doctypes.auth_code.page.verification_page",
    "/01/{gtin}/21/{code}": "doctypes.auth_code.page.digital_link_page",
}

# Job -> interval in seconds; enqueued by the worker's scheduler (once per interval cluster-wide).
scheduled_jobs = {
    "doctypes.api_request_log.jobs.prune_request_logs": 3600,
    "doctypes.email.jobs.send_due_emails": 60,
    "doctypes.warranty.jobs.queue_warranty_reminders": 3600,
    "doctypes.webhook.jobs.sweep_webhooks": 30,
}

# Fixture file under fixtures/ -> loader.
fixtures = {
    "plans.json": "doctypes.plan.service.load_fixtures",
}

# Plain HTTP routes ("VERB /path" -> function(ctx, params, headers, body)).
http_routes = {
    "PUT /upload/{token}": "doctypes.upload.service.receive",
    "GET /files/{key}/{name}": "doctypes.upload.service.serve",
}

# Functions that add `traciqo-rpc` subcommands: register(subparsers).
cli_commands = ["doctypes.workspace.cli.register", "doctypes.auth_code.cli.register"]

# How the framework finds an API key's principal, and where usage (minute counts, recent calls) goes.
principal_loader = "doctypes.api_key.service.load_principal"
request_log_writer = "doctypes.api_request_log.service.write_batch"
