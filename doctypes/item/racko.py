"""Racko's dialect (seeds/002): how its clients call the inventory under /v2/.

They send RACKO-API-KEY and RACKO-SECRET (traciqo_rpc/auth.py), read bare JSON, and expect
Racko's statuses, each error with Racko's custom code and a description their UI shows as it
is: 400 `invalid_request` for whatever a request gets wrong, business rules included (a
shortfall), where our methods answer 417 or 413; 401 `invalid_token`; 403 `no_permission`,
`inactive` or `ip_ban`; 404 `no_content`; 409 `duplicated`; 429 `rate_limit`; 504 `timeout`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from traciqo_rpc import errors
from traciqo_rpc.rest import Dialect

# Racko's code for each status it documents; an error answering with one of these statuses
# keeps its own code when Racko documents it for that status (a 403 `inactive`).
CODES = {400: "invalid_request", 401: "invalid_token", 403: "no_permission", 404: "no_content", 409: "duplicated",
         429: "rate_limit", 500: "internal", 504: "timeout"}
OWN_CODES = {401: {"invalid_token", "login"}, 403: {"no_permission", "inactive", "ip_ban"}}


class RackoError(Schema):
    """An error as Racko's clients read it."""

    code = fields.String(required=True, metadata={
        "description": "Racko's custom code: invalid_request, invalid_token, no_permission, inactive, ip_ban, "
                       "no_content, method_not_allowed, duplicated, rate_limit, unavailable, internal or timeout."})
    description = fields.String(required=True, metadata={"description": "What went wrong, for people, as it is."})
    field_errors = fields.Dict(keys=fields.String(), metadata={
        "description": "Per-field messages, when some fields are wrong."})


def racko_error(exc: errors.TraciqoError, status: int) -> dict[str, Any]:
    """`exc`, answering `status`, in Racko's shape."""
    code = exc.error_code if exc.error_code in OWN_CODES.get(status, ()) else CODES.get(status, exc.error_code)
    body: dict[str, Any] = {"code": code, "description": exc.message}
    if exc.field_errors:
        body["field_errors"] = exc.field_errors
    return body


RACKO = Dialect(envelope=None, statuses={errors.ValidationError: 400, errors.PayloadTooLarge: 400}, name="Racko",
                error_body=racko_error, error_schema=RackoError, also_answers=frozenset({504}))
