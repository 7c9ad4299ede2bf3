"""Tracee's GET /api/v1/templates/ (seeds/003), in Tracee's dialect."""

from __future__ import annotations

from doctypes.tracker.routes import TRACEE
from traciqo_rpc.rest import RestRoute

list_templates = RestRoute("doctypes.tracker_template.api.list_templates", TRACEE)
