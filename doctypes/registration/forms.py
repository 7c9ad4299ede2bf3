"""Checking a registration's extra fields against its form's definition (no I/O)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

FIELD_TYPES = ("text", "number", "date", "email", "boolean", "select")
MAX_FORM_FIELDS = 50  # a form a customer fills in; past this it is a survey, and every registration checks them all
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check(definition: list[dict[str, Any]], values: dict[str, Any], partial: bool = False) -> dict[str, list[str]]:
    """Field errors of `values` under the form `definition` (empty when all is well).

    Unknown fields are refused; required fields must be present unless `partial` (an update).
    """
    known = {f["name"]: f for f in definition}
    problems: dict[str, list[str]] = {}
    for name in values:
        if name not in known:
            problems[name] = ["Unknown field for this form."]
    for name, spec in known.items():
        if name not in values or values[name] in (None, ""):
            if spec.get("required") and not partial:
                problems[name] = ["Missing data for required field."]
            continue
        message = _check_value(spec, values[name])
        if message:
            problems[name] = [message]
    return problems


def _check_value(spec: dict[str, Any], value: Any) -> str | None:
    kind = spec["type"]
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "Not a valid number."
    if kind == "boolean" and not isinstance(value, bool):
        return "Not a valid boolean."
    if kind in ("text", "email", "date", "select") and not isinstance(value, str):
        return "Not a valid string."
    if kind == "text" and len(value) > 2000:
        return "Longer than 2000 characters."
    if kind == "email" and not _EMAIL.match(value):
        return "Not a valid email address."
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return "Not a valid date (YYYY-MM-DD)."
    if kind == "select" and value not in spec.get("options", []):
        return f"Must be one of: {', '.join(spec.get('options', []))}."
    return None
