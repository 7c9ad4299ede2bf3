"""The exception family: each class carries its HTTP status and stable error code.

Classes are named by condition; the base class gives the status (README, Errors; docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class TraciqoError(Exception):
    """Base of every error a client may see; unexpected exceptions render as `internal`."""

    status: int = 500
    error_code: str = "internal"

    def __init__(
        self,
        message: str = "",
        *,
        field_errors: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.default_message())
        self.message = message or self.default_message()
        self.field_errors = dict(field_errors) if field_errors else None
        self.headers = dict(headers or {})

    def default_message(self) -> str:
        return "Internal server error"

    def to_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "exc_type": type(self).__name__,
            "exception": self.message,
            "error_code": self.error_code,
        }
        if self.field_errors:
            body["field_errors"] = self.field_errors
        # Frappe's shape: a JSON list of JSON-encoded {"message": ...} objects.
        body["_server_messages"] = json.dumps([json.dumps({"message": self.message})])
        return body


class InvalidRequest(TraciqoError):
    status, error_code = 400, "invalid_request"

    def default_message(self) -> str:
        return "Malformed request"


class AuthenticationError(TraciqoError):
    status, error_code = 401, "invalid_token"

    def default_message(self) -> str:
        return "Invalid API key or secret"


class PermissionError(TraciqoError):  # noqa: A001 - Frappe's name, part of the contract
    status, error_code = 403, "no_permission"

    def default_message(self) -> str:
        return "Not permitted"


class GuestNotAllowed(PermissionError):
    def default_message(self) -> str:
        return "This method needs an API key: send X-Traciqo-API-Key and X-Traciqo-API-Secret"


class ApiAccessNotInPlan(PermissionError):
    pass


class KeyScopeMissing(PermissionError):
    """The key was issued without the scope the method needs (read or write)."""


class RightMissing(PermissionError):
    """A signed-in person's role lacks the right the method needs."""


class CsrfTokenInvalid(PermissionError):
    """A change asked for with a session cookie but without the session's CSRF token."""

    error_code = "csrf_token_invalid"

    def default_message(self) -> str:
        return "Missing or wrong CSRF token: reload the page and try again"


class LoginFailed(AuthenticationError):
    """A wrong email or password (the same answer for both: no account enumeration)."""

    error_code = "login"

    def default_message(self) -> str:
        return "Incorrect email or password"


class SessionEnded(AuthenticationError):
    """The session cookie names a session that expired or was signed out."""

    error_code = "session_expired"

    def default_message(self) -> str:
        return "Your session has ended: sign in again"


class SandboxForbidden(PermissionError):
    pass


class AddressBanned(PermissionError):
    """Too many failed authentications from the caller's network (traciqo_rpc/ip_ban.py)."""

    error_code = "ip_ban"

    def default_message(self) -> str:
        return "Network activity issues have been detected. Access from the same network may be restricted."


class WorkspaceInactive(PermissionError):
    error_code = "inactive"

    def default_message(self) -> str:
        return "Workspace is inactive"


class DoesNotExistError(TraciqoError):
    status, error_code = 404, "no_content"

    def default_message(self) -> str:
        return "The requested entity could not be found"


class MethodNotFound(DoesNotExistError):
    pass


class MethodNotAllowed(TraciqoError):
    status, error_code = 405, "method_not_allowed"

    def default_message(self) -> str:
        return "Method not allowed"


class DuplicateEntryError(TraciqoError):
    status, error_code = 409, "duplicated"

    def default_message(self) -> str:
        return "Entity already exists"


class PayloadTooLarge(TraciqoError):
    status, error_code = 413, "too_large"

    def default_message(self) -> str:
        return "Request body too large"


class ValidationError(TraciqoError):
    status, error_code = 417, "validation_error"

    def default_message(self) -> str:
        return "Invalid arguments"


class LimitExceeded(ValidationError):
    error_code = "limit_exceeded"


class RateLimitExceeded(TraciqoError):
    status, error_code = 429, "rate_limit"

    def default_message(self) -> str:
        return "Rate limit exceeded"


class ServiceUnavailable(TraciqoError):
    status, error_code = 503, "unavailable"

    def default_message(self) -> str:
        return "Service unavailable"


class RequestTimedOut(TraciqoError):
    """The call ran past its budget (TRACIQO_REQUEST_TIMEOUT); whatever it wrote was rolled back."""

    status, error_code = 504, "timeout"

    def default_message(self) -> str:
        return "The request timed out. Please try again later."
