"""Tracker and Tracker Template as Frappe resources. A tracker's name is its id; creating one is
create_tracker, saving one changes its name, reference or customer email (its steps move with
update_status), deleting one is delete_tracker. Templates are read here (shared ones are not
rows of a workspace: list_templates shows them)."""

from __future__ import annotations

from typing import Any

from doctypes.tracker_template.model import TrackerTemplate
from traciqo_rpc.resource import Resource, Write

from .model import Tracker

EDITABLE = ("tracker_name", "reference", "customer_email")


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The document's `tracker_name` is the method's `name` (a document's name is its id)."""
    return {("name" if key == "tracker_name" else key): value for key, value in values.items()}


tracker = Resource(
    model=Tracker,
    fields={
        "name": Tracker.id, "number": Tracker.number, "tracker_name": Tracker.name,
        "reference": Tracker.reference, "customer_email": Tracker.customer_email, "template": Tracker.template,
        "status": Tracker.status, "current_process": Tracker.current_process, "tracking_token": Tracker.token,
        "completed_at": Tracker.completed_at,
    },
    filterable=("name", "number", "status", "reference"),
    created=Tracker.created_at,
    modified=Tracker.updated_at,
    sequence=Tracker.id,
    insert=Write("doctypes.tracker.api.create_tracker", (*EDITABLE, "template"), lambda _, values: _fields(values),
                 name_of=lambda result, _: result["id"]),
    update=Write("doctypes.tracker.api.update_tracker", EDITABLE,
                 lambda name, values: {"tracker_id": name, **_fields(values)}),
    delete=Write("doctypes.tracker.api.delete_tracker", (), lambda name, _: {"tracker_id": name}),
)

tracker_template = Resource(
    model=TrackerTemplate,
    fields={"name": TrackerTemplate.slug, "title": TrackerTemplate.name, "strict_order": TrackerTemplate.strict_order},
    created=TrackerTemplate.created_at,
    modified=TrackerTemplate.updated_at,
    sequence=TrackerTemplate.id,
)
