"""Tracker templates: the shared ones (fixtures) and a workspace's own, which win on a slug."""

from __future__ import annotations

import json
from typing import Any

from traciqo_rpc import errors
from traciqo_rpc.context import RequestContext

from .model import SharedTemplate, TrackerTemplate
from .schema import MAX_STEPS


class TemplateNotFound(errors.DoesNotExistError):
    """No template of that slug, shared or the workspace's own."""


class UnknownTemplate(errors.ValidationError):
    """A tracker names a template that does not exist (417, naming the argument)."""


class TemplateExists(errors.DuplicateEntryError):
    """The workspace has a template of that slug already."""


class SharedTemplateReadOnly(errors.PermissionError):
    """Shared templates are the same for everyone: create your own with the slug instead."""


class UnknownStep(errors.ValidationError):
    """A step-level change names a step the template does not have."""


class StepNameTaken(errors.ValidationError):
    """Adding a step whose name the template has already (a status update names its step)."""


class TooManySteps(errors.ValidationError):
    """Adding a step to a template that has MAX_STEPS."""


class LastStepKept(errors.ValidationError):
    """Removing a template's only step: a template has at least one."""


class StepsChangedMeanwhile(errors.ValidationError):
    """Someone else changed the template's steps between our read and our write."""


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


def add_step(ctx: RequestContext, slug: str, name: str, visible: bool) -> dict[str, Any]:
    """A new last step of the workspace's own template."""
    template, steps = _own_steps(ctx, slug)
    if len(steps) >= MAX_STEPS:
        raise TooManySteps(f"A template has at most {MAX_STEPS} steps",
                           field_errors={"name": [f"At most {MAX_STEPS} steps."]})
    if name.casefold() in (s["name"].casefold() for s in steps):
        raise StepNameTaken(f"The template has a step {name!r} already", field_errors={"name": ["Taken."]})
    return _save_steps(ctx, template, [*steps, {"name": name, "visible": visible}])


def remove_step(ctx: RequestContext, slug: str, step: str) -> dict[str, Any]:
    template, steps = _own_steps(ctx, slug)
    index = _step_index(steps, step)
    if len(steps) == 1:
        raise LastStepKept("A template keeps at least one step", field_errors={"step": ["The only step."]})
    return _save_steps(ctx, template, steps[:index] + steps[index + 1:])


def move_step(ctx: RequestContext, slug: str, step: str, direction: str) -> dict[str, Any]:
    """Swap a step with the one before (up) or after (down); the first stays first, the last last."""
    template, steps = _own_steps(ctx, slug)
    index = _step_index(steps, step)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
    return _save_steps(ctx, template, steps)


def update_step(ctx: RequestContext, slug: str, step: str, visible: bool) -> dict[str, Any]:
    template, steps = _own_steps(ctx, slug)
    steps[_step_index(steps, step)]["visible"] = visible
    return _save_steps(ctx, template, steps)


def _own_steps(ctx: RequestContext, slug: str) -> tuple[TrackerTemplate, list[dict[str, Any]]]:
    template = _own(ctx, slug)
    return template, json.loads(template.steps)


def _step_index(steps: list[dict[str, Any]], step: str) -> int:
    names = [s["name"].casefold() for s in steps]
    if step.casefold() not in names:
        known = ", ".join(s["name"] for s in steps)
        raise UnknownStep(f"The template has no step {step!r}", field_errors={"step": [f"One of: {known}."]})
    return names.index(step.casefold())


def _save_steps(ctx: RequestContext, template: TrackerTemplate, steps: list[dict[str, Any]]) -> dict[str, Any]:
    # Written only over the steps we read: two people editing at once cannot lose a step silently.
    text, now = json.dumps(steps), ctx.now()
    changed = TrackerTemplate.update(steps=text, updated_at=now).where(
        TrackerTemplate.id == template.id, TrackerTemplate.steps == template.steps).execute()
    if not changed:
        raise StepsChangedMeanwhile("The template changed meanwhile: reload it and try again")
    template.steps, template.updated_at = text, now
    return template_dict(template)


def _own(ctx: RequestContext, slug: str) -> TrackerTemplate:
    template = TrackerTemplate.scoped(ctx).where(TrackerTemplate.slug == slug).first()
    if template is not None:
        return template
    if SharedTemplate.get_or_none(SharedTemplate.slug == slug) is not None:
        raise SharedTemplateReadOnly(f"{slug!r} is a shared template: create your own with its slug to change it")
    raise TemplateNotFound(f"Template {slug!r} not found")
