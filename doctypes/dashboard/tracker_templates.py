"""Tracker templates: the shared ones and the workspace's own, with their steps; a form to create
one, and (`?template=<slug>`) an editor: rename, add, remove, move and hide steps, delete."""

from __future__ import annotations

import html
import json
from typing import Any

from doctypes.tracker_template import service as templates
from doctypes.tracker_template.schema import MAX_STEPS, TemplateRefArgs
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.tracker_template.api."
PATH = "/app/tracker-templates"


@signed_in("read")
def templates_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                   headers: dict[str, str]) -> HtmlResult:
    can_write = "write" in ctx.require_principal().rights
    slug = query.get("template") or None
    if slug is not None:
        if TemplateRefArgs().validate({"slug": slug}):
            raise shell.BadListQuery("template must be a template's slug")
        template = templates.get_template(ctx, slug)
        return shell.page(ctx, template["name"], _editor(template, can_write), shell.csrf_token(ctx), PATH)
    rows = "".join(_row(template) for template in templates.list_templates(ctx))
    content = (
        (_create_form() if can_write else "")
        + '<table><caption>Templates: your own and the shared ones, by slug</caption><thead><tr>'
        '<th scope=col>Name</th><th scope=col>Slug</th><th scope=col>Steps</th><th scope=col>Kind</th></tr></thead>'
        f'<tbody>{rows}</tbody></table>'
    )
    return shell.page(ctx, "Tracker templates", content, shell.csrf_token(ctx), PATH)


def _create_form() -> str:
    return ('<section class=card aria-labelledby=new-template><h2 id=new-template>New template</h2>'
            f'<form method=post action="{API}create_template" data-method>{shell.alert()}'
            f'{shell.field("template", "name", "Name")}'
            f'{shell.field("template", "slug", "Slug (lower-case letters, digits, hyphens)")}'
            '<p class=field><label for=template-steps>Steps, one a line, in order '
            f'(at most {MAX_STEPS})</label><textarea id=template-steps name=steps rows=5 cols=40 required '
            'aria-describedby=template-steps-error></textarea>'
            '<span class=error id=template-steps-error data-error-for=steps></span></p>'
            '<p><label><input type=checkbox name=strict_order value=true> Strict order: a step starts only '
            'after the ones before are done</label></p>'
            '<p><button type=submit>Create template</button></p></form></section>')


def _row(template: dict[str, Any]) -> str:
    slug = html.escape(template["slug"])
    steps = " → ".join(html.escape(step["name"]) + ("" if step["visible"] else " (internal)")
                       for step in template["steps"])
    return (f'<tr><td><a href="{PATH}?template={slug}">{html.escape(template["name"])}</a></td>'
            f'<td><code>{slug}</code></td><td>{steps}</td><td>{"Shared" if template["shared"] else "Yours"}</td></tr>')


def _editor(template: dict[str, Any], can_write: bool) -> str:
    slug = html.escape(template["slug"])
    editable = can_write and not template["shared"]
    steps = "".join(_step(slug, step, len(template["steps"]), editable) for step in template["steps"])
    order = "strict: a step starts only after the ones before are done" if template["strict_order"] else "any"
    content = (f'<p><a href="{PATH}">All templates</a></p>'
               f'<p>Slug <code>{slug}</code> · order: {order} · trackers already made keep their steps.</p>'
               f'{shell.alert()}<ol class=steps aria-label=Steps>{steps}</ol>')
    if template["shared"]:
        content += '<p>A shared template: the same in every workspace, and read-only.</p>'
        return content + (_customise_form(template) if can_write else "")
    if not editable:
        return content
    return content + _edit_forms(slug, template)


def _step(slug: str, step: dict[str, Any], count: int, editable: bool) -> str:
    name = html.escape(step["name"])
    internal = " <em>(internal: never shown to the customer)</em>" if not step["visible"] else ""
    buttons = ""
    if editable:
        def button(method: str, label: str, aria: str, extra: str = "", attributes: str = "") -> str:
            return (f'<form method=post action="{API}{method}" data-method {attributes}>'
                    f'<input type=hidden name=slug value="{slug}"><input type=hidden name=step value="{name}">{extra}'
                    f'<button type=submit class=secondary aria-label="{aria}">{label}</button></form>')

        if step["order"] > 1:
            buttons += button("move_step", "Up", f"Move {name} up", "<input type=hidden name=direction value=up>")
        if step["order"] < count:
            buttons += button("move_step", "Down", f"Move {name} down", "<input type=hidden name=direction value=down>")
        shown = ("false", "Make internal") if step["visible"] else ("true", "Show to customers")
        buttons += button("update_step", shown[1], f"{shown[1]}: {name}",
                          f"<input type=hidden name=visible value={shown[0]}>")
        if count > 1:
            buttons += button("remove_step", "Remove", f"Remove {name}",
                              attributes=f'data-confirm="Remove the step {name}?"')
    return f'<li class=card><strong>{step["order"]}. {name}</strong>{internal}<div class=actions>{buttons}</div></li>'


def _edit_forms(slug: str, template: dict[str, Any]) -> str:
    hidden = f'<input type=hidden name=slug value="{slug}">'
    strict = "false" if template["strict_order"] else "true"
    strict_label = "Allow any order" if template["strict_order"] else "Require strict order"
    return (
        '<section class=card aria-labelledby=add-step><h2 id=add-step>Add a step</h2>'
        f'<form method=post action="{API}add_step" data-method>{shell.alert()}{hidden}'
        f'{shell.field("step", "name", "Step name")}'
        '<p><label><input type=checkbox name=visible value=false> Internal: never shown to the customer</label></p>'
        '<p><button type=submit>Add step</button></p></form></section>'
        '<section class=card aria-labelledby=settings><h2 id=settings>The template</h2>'
        f'<form method=post action="{API}update_template" data-method>{shell.alert()}{hidden}'
        f'{shell.field("rename", "name", "Template name", value=template["name"])}'
        '<p><button type=submit>Rename</button></p></form>'
        f'<form method=post action="{API}update_template" data-method>{hidden}'
        f'<input type=hidden name=strict_order value={strict}>'
        f'<p><button type=submit class=secondary>{strict_label}</button></p></form>'
        f'<form method=post action="{API}delete_template" data-method data-next="{PATH}" '
        f'data-confirm="Delete the template {html.escape(template["name"])}? Trackers made from it keep their steps.">'
        f'{hidden}<p><button type=submit class=secondary>Delete template</button></p></form></section>'
    )


def _customise_form(template: dict[str, Any]) -> str:
    """A copy of the shared template as the workspace's own (used instead of it from then on)."""
    steps = json.dumps([{"name": s["name"], "visible": s["visible"]} for s in template["steps"]])
    return (f'<form method=post action="{API}create_template" data-method>{shell.alert()}'
            f'<input type=hidden name=slug value="{html.escape(template["slug"])}">'
            f'<input type=hidden name=name value="{html.escape(template["name"])}">'
            f'<input type=hidden name=steps value="{html.escape(steps)}">'
            f'<input type=hidden name=strict_order value={str(template["strict_order"]).lower()}>'
            '<p><button type=submit>Customise: make it your own</button></p></form>')
