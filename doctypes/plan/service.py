from __future__ import annotations

from typing import Any

from traciqo_rpc import errors

from .model import Plan


class PlanNotFound(errors.DoesNotExistError):
    """No plan of that name (plans come from fixtures/plans.json)."""


_FIELDS = ("title", "api_access", "code_limit", "rate_limit_per_minute", "tracker_limit")


def load_fixtures(records: list[dict[str, Any]]) -> int:
    """Insert or update plans by name; safe to re-run."""
    for record in records:
        values = {k: record[k] for k in _FIELDS if k in record}
        updated = Plan.update(**values).where(Plan.name == record["name"]).execute()
        if not updated:
            Plan.insert(name=record["name"], **values).execute()
    return len(records)


def get_plan(name: str) -> Plan:
    plan = Plan.get_or_none(Plan.name == name)
    if plan is None:
        known = ", ".join(p.name for p in Plan.select(Plan.name).order_by(Plan.name))
        raise PlanNotFound(f"Plan {name!r} does not exist (known: {known or 'none; run fixtures'})")
    return plan
