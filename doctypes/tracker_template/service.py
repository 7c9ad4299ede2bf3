"""Tracker templates: the shared ones (fixtures) and a workspace's own, which win on a slug."""

from __future__ import annotations

import json
from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext

from .model import SharedTemplate, TrackerTemplate


class TemplateNotFound(errors.DoesNotExistError):
    """No template of that slug, shared or the workspace's own."""


class UnknownTemplate(errors.ValidationError):
    """A tracker names a template that does not exist (417, naming the argument)."""


class TemplateExists(errors.DuplicateEntryError):
    """The workspace has a template of that slug already."""


class SharedTemplateReadOnly(errors.PermissionError):
    """Shared templates are the same for everyone: create your own with the slug instead."""


def load_fixtures(records: list[dict[str, Any]]) -> int:
    """Insert or update the shared templates by slug; safe to re-run."""
    for record in records:
        values = {"name": record["name"], "steps": json.dumps(record["steps"]),
                  "strict_order": record.get("strict_order", False)}
        if not SharedTemplate.update(**values).where(SharedTemplate.slug == record["slug"]).execute():
            SharedTemplate.insert(slug=record["slug"], **values).execute()
    return len(records)


def template_dict(template: TrackerTemplate | SharedTemplate) -> dict[str, Any]:
    steps = json.loads(template.steps)
    return {"slug": template.slug, "name": template.name, "strict_order": template.strict_order,
            "shared": isinstance(template, SharedTemplate),
            "steps": [{"name": s["name"], "order": i, "visible": s["visible"]} for i, s in enumerate(steps, 1)]}


def list_templates(ctx: RequestContext) -> list[dict[str, Any]]:
    own = {t.slug: t for t in TrackerTemplate.scoped(ctx)}
    shared = [t for t in SharedTemplate.select() if t.slug not in own]
    return [template_dict(t) for t in sorted([*own.values(), *shared], key=lambda t: t.slug)]


def find(ctx: RequestContext, slug: str) -> TrackerTemplate | SharedTemplate | None:
    own = TrackerTemplate.scoped(ctx).where(TrackerTemplate.slug == slug).first()
    return own if own is not None else SharedTemplate.get_or_none(SharedTemplate.slug == slug)


def get_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    template = find(ctx, slug)
    if template is None:
        raise TemplateNotFound(f"Template {slug!r} not found")
    return template_dict(template)


def require(ctx: RequestContext, slug: str, field: str = "template") -> TrackerTemplate | SharedTemplate:
    template = find(ctx, slug)
    if template is None:
        known = ", ".join(t["slug"] for t in list_templates(ctx))
        raise UnknownTemplate(f"Unknown template {slug!r}", field_errors={field: [f"One of: {known}."]})
    return template


def create_template(ctx: RequestContext, slug: str, name: str, steps: list[dict[str, Any]],
                    strict_order: bool) -> dict[str, Any]:
    if TrackerTemplate.scoped(ctx).where(TrackerTemplate.slug == slug).exists():
        raise TemplateExists(f"Template {slug!r} already exists", field_errors={"slug": ["Taken."]})
    template = TrackerTemplate.create(slug=slug, name=name, steps=json.dumps(steps), strict_order=strict_order,
                                      **TrackerTemplate.scope_values(ctx))
    return template_dict(template)


def update_template(ctx: RequestContext, slug: str, **changes: Any) -> dict[str, Any]:
    """Change the workspace's own template; trackers made from it keep the steps they were made with."""
    template = _own(ctx, slug)
    if "steps" in changes:
        changes["steps"] = json.dumps(changes["steps"])
    for name, value in changes.items():
        setattr(template, name, value)
    template.updated_at = ctx.now()
    template.save()
    return template_dict(template)


def delete_template(ctx: RequestContext, slug: str) -> dict[str, Any]:
    _own(ctx, slug).delete_instance()
    return {"deleted": slug}


def _own(ctx: RequestContext, slug: str) -> TrackerTemplate:
    template = TrackerTemplate.scoped(ctx).where(TrackerTemplate.slug == slug).first()
    if template is not None:
        return template
    if SharedTemplate.get_or_none(SharedTemplate.slug == slug) is not None:
        raise SharedTemplateReadOnly(f"{slug!r} is a shared template: create your own with its slug to change it")
    raise TemplateNotFound(f"Template {slug!r} not found")
