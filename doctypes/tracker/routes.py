"""Tracee's API (seeds/003): its routes, bodies and statuses, onto the tracker methods. Its key
is one token in X-API-Key; the QR route also takes it as `?api_key=`, as the seed's <img> does
(the answer's qr_code_url needs no key at all)."""

from __future__ import annotations

from traciqo_rpc import errors
from traciqo_rpc.rest import Dialect, RestRoute

# Tracee's clients read bare objects, and 400 for anything wrong with what they sent (as Django
# REST framework answers).
TRACEE = Dialect(envelope=None, statuses={errors.ValidationError: 400}, token_field="api_key", name="Tracee")

create_tracker = RestRoute("doctypes.tracker.api.create_tracker", TRACEE, status=201)
get_tracker = RestRoute("doctypes.tracker.api.get_tracker", TRACEE)
update_status = RestRoute("doctypes.tracker.api.update_status", TRACEE)
tracker_qr = RestRoute("doctypes.tracker.api.get_tracker_qr", TRACEE)
