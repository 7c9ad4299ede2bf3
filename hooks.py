"""Declarative wiring, read by create_app(); every target here must resolve at start-up."""

app_name = "traciqo_rpc"

# Framework modules whose @whitelist functions are served.
method_modules = ["traciqo_rpc.api"]

# Doctype packages under doctypes/: their model, service, api and jobs modules are loaded.
doctypes = ["plan", "workspace", "api_key", "api_request_log"]

# Other dotted paths that existing clients call -> our canonical path.
method_aliases: dict[str, str] = {}

# "<doctype>:<change>" -> event name, written to the outbox in the same transaction.
doc_events: dict[str, str] = {}

# Job -> interval in seconds; enqueued by the worker's scheduler (once per interval cluster-wide).
scheduled_jobs = {
    "doctypes.api_request_log.jobs.prune_request_logs": 3600,
}

# Fixture file under fixtures/ -> loader.
fixtures = {
    "plans.json": "doctypes.plan.service.load_fixtures",
}

# Functions that add `traciqo-rpc` subcommands: register(subparsers).
cli_commands = ["doctypes.workspace.cli.register"]

# How the framework finds an API key's principal, and where usage rows go.
principal_loader = "doctypes.api_key.service.load_principal"
request_log_writer = "doctypes.api_request_log.service.write_batch"
