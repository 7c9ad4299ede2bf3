"""ProductCares' API (seeds/001) for registrations: its routes, its camelCase bodies (the seed
lost its JSON examples, so these bodies are ours, in its style) and its access token, which
may also come in the body as `accessToken`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from traciqo_rpc.rest import Dialect, RestRoute, camel_case_keys

PRODUCTCARES = Dialect(envelope=None, token_field="accessToken")

_STANDARD = {"serialNumber": "serial_number", "purchaseDate": "purchase_date", "receiptUrl": "receipt_url"}


def camel_answer(result: Any) -> Any:
    """Our answer in its camelCase; a registration's own extra fields keep their form's names."""
    return camel_case_keys(result, keep=frozenset({"fields"}))


def registration_entry(sent: Any) -> Any:
    """One ProductCares registration as ours: `name` from firstName and lastName when absent,
    the standard fields renamed, the form's extra fields as they are."""
    if not isinstance(sent, dict):
        return sent  # the schema says what it should be
    entry = {_STANDARD.get(key, key): value for key, value in sent.items() if key not in ("firstName", "lastName")}
    if "name" not in entry:
        parts = [sent.get("firstName"), sent.get("lastName")]
        if any(isinstance(part, str) and part.strip() for part in parts):
            entry["name"] = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return entry


def _add(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    registrations = args.get("registrations")
    if isinstance(registrations, list):
        args = {**args, "registrations": [registration_entry(entry) for entry in registrations]}
    return args


def _update(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    changes = registration_entry(args)
    return {**changes, "registration_id": params["registration_id"]}


def _by_email(params: Mapping[str, str], args: dict[str, Any]) -> dict[str, Any]:
    return {("form_slug" if key == "formSlug" else key): value for key, value in args.items()}


add_registrations = RestRoute("doctypes.registration.api.add_registrations", PRODUCTCARES, _add, camel_answer)
update_registration = RestRoute("doctypes.registration.api.update_registration", PRODUCTCARES, _update, camel_answer)
delete_registration = RestRoute("doctypes.registration.api.delete_registration", PRODUCTCARES, answer=camel_answer)
get_registrations = RestRoute("doctypes.registration.api.get_registrations", PRODUCTCARES, _by_email, camel_answer)
