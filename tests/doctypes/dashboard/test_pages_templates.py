"""/app/tracker-templates over HTTP: the workspace's and environment's own templates with the
shared ones, the editor's forms (posted as the page's script posts them), a viewer's page
without them, and bad input answered beside its field."""

from __future__ import annotations

import html
import re

import pytest

from tests.support.dashboard import sign_in
from tests.support.helpers import key_headers

PAGE = "/app/tracker-templates"
API = "/api/method/doctypes.tracker_template.api."


def submit(client, csrf: str, method: str, expect: int = 200, **form: str):
    """A form of the page, posted as shell.SCRIPT posts it: form fields and the CSRF header."""
    response = client.post(API + method, data=form, headers={"X-Frappe-CSRF-Token": csrf})
    assert response.status_code == expect, response.text
    return response.json().get("message", response.json())


def steps_shown(page: str) -> list[str]:
    """The editor's steps in order, an internal one starred."""
    items = re.findall(r"<li class=card><strong>\d+\. (.*?)</strong>(.*?)<div", page)
    return [html.unescape(name) + ("*" if "internal" in rest else "") for name, rest in items]


def forms(page: str, typed: bool = False) -> list[tuple[str, dict[str, str]]]:
    """Each method form of the page: its method and its hidden fields (or, `typed`, the names
    of the fields a person fills in or ticks)."""
    found = []
    for action, body in re.findall(r'<form method=post action="/api/method/([\w.]+)" data-method[^>]*>(.*?)</form>',
                                   page, re.S):
        hidden = {k: html.unescape(v) for k, v in re.findall(r'<input type=hidden name=(\w+) value="?([^">]*)"?>', body)}
        names = set(re.findall(r'<(?:input|textarea)\b[^>]* name="?(\w+)"?', body)) - set(hidden)
        found.append((action.rsplit(".", 1)[-1], dict.fromkeys(names, "") if typed else hidden))
    return found


@pytest.fixture
def ann(client, member) -> str:
    member("ann@example.com", "owner")
    return sign_in(client, "ann@example.com")


@pytest.fixture
def kiln(client, ann) -> str:
    submit(client, ann, "create_template", slug="kiln", name="Kiln firing", steps="Glaze\r\nFire\r\nCool")
    return ann


def test_the_list_shows_this_workspace_and_environment_only(client, ann, workspace, make_workspace):
    submit(client, ann, "create_template", slug="ours-live", name="Ours live", steps="A")
    theirs = make_workspace("other")
    for headers, slug in ((key_headers(theirs), "theirs"), (key_headers(workspace, "sandbox"), "ours-sandbox")):
        made = client.post(API + "create_template", headers=headers,
                           json={"slug": slug, "name": slug.title(), "steps": ["Secret step"]})
        assert made.status_code == 200, made.text
    page = client.get(PAGE)
    assert page.status_code == 200 and "ours-live" in page.text and "3d-printing" in page.text
    assert "theirs" not in page.text and "ours-sandbox" not in page.text and "Secret step" not in page.text
    assert f'<a href="{PAGE}" aria-current=page>Tracker templates</a>' in page.text
    for slug in ("theirs", "ours-sandbox"):
        assert client.get(PAGE, params={"template": slug}).status_code == 404

    switched = client.post("/api/method/doctypes.session.api.switch", data={"environment": "sandbox"},
                           headers={"X-Frappe-CSRF-Token": ann})
    assert switched.status_code == 200, switched.text
    sandbox = client.get(PAGE).text
    assert "ours-sandbox" in sandbox and "ours-live" not in sandbox and "theirs" not in sandbox
    assert client.get(PAGE, params={"template": "ours-live"}).status_code == 404


def test_the_trackers_page_links_here_and_offers_the_templates(client, kiln):
    trackers = client.get("/app/trackers").text
    assert f'href="{PAGE}"' in trackers and '<option value="kiln">Kiln firing</option>' in trackers


def test_create_from_the_form_then_every_editing_action(client, kiln):
    listed = client.get(PAGE).text
    assert f'<a href="{PAGE}?template=kiln">Kiln firing</a>' in listed and "Glaze → Fire → Cool" in listed
    editor = client.get(PAGE, params={"template": "kiln"}).text
    assert steps_shown(editor) == ["Glaze", "Fire", "Cool"]
    offered = forms(editor)
    # The first step cannot move up, the last not down; each step can be hidden and removed.
    assert ("move_step", {"slug": "kiln", "step": "Glaze", "direction": "down"}) in offered
    assert not [f for f in offered if f[1].get("step") == "Glaze" and f[1].get("direction") == "up"]
    assert not [f for f in offered if f[1].get("step") == "Cool" and f[1].get("direction") == "down"]

    def do(method: str, typed: dict[str, str] | None = None, **hidden: str) -> list[str]:
        """Post the editor's form for `method` whose hidden fields are `hidden` (and more), with
        what a person typed or ticked in each of its other fields."""
        page = client.get(PAGE, params={"template": "kiln"}).text
        typed = typed or {}
        matching = [fields for (name, fields), (_, inputs) in zip(forms(page), forms(page, typed=True), strict=True)
                    if name == method and hidden.items() <= fields.items() and typed.keys() == inputs.keys()]
        assert len(matching) == 1, f"{len(matching)} {method} forms for {hidden} {typed}"
        submit(client, kiln, method, **matching[0], **{k: v for k, v in typed.items() if v})  # empty: not sent
        return steps_shown(client.get(PAGE, params={"template": "kiln"}).text)

    assert do("move_step", step="Cool", direction="up") == ["Glaze", "Cool", "Fire"]
    assert do("move_step", step="Glaze", direction="down") == ["Cool", "Glaze", "Fire"]
    assert do("update_step", step="Fire") == ["Cool", "Glaze", "Fire*"]
    assert do("add_step", {"name": "Inspect", "visible": "false"}) == ["Cool", "Glaze", "Fire*", "Inspect*"]
    assert do("add_step", {"name": "Pack", "visible": ""}) == ["Cool", "Glaze", "Fire*", "Inspect*", "Pack"]
    assert do("update_step", step="Fire") == ["Cool", "Glaze", "Fire", "Inspect*", "Pack"]
    assert do("remove_step", step="Glaze") == ["Cool", "Fire", "Inspect*", "Pack"]
    assert 'value="Kiln firing"' in client.get(PAGE, params={"template": "kiln"}).text  # the rename field
    do("update_template", {"name": "Kiln, twice fired"})
    do("update_template", strict_order="true")
    editor = client.get(PAGE, params={"template": "kiln"}).text
    assert "<h1>Kiln, twice fired</h1>" in editor and "order: strict" in editor
    assert ("update_template", {"slug": "kiln", "strict_order": "false"}) in forms(editor)
    assert 'data-confirm="Remove the step Cool?"' in editor
    delete = re.search(r'<form [^>]*action="[^"]*delete_template"[^>]*>', editor).group(0)
    assert 'data-confirm="Delete the template Kiln, twice fired?' in delete and f'data-next="{PAGE}"' in delete
    do("delete_template")
    assert client.get(PAGE, params={"template": "kiln"}).status_code == 404
    assert "kiln" not in client.get(PAGE).text


def test_a_shared_template_is_read_only_until_customised(client, ann):
    editor = client.get(PAGE, params={"template": "3d-printing"}).text
    assert "read-only" in editor and steps_shown(editor)[:2] == ["Preparing/Slicing", "3D Printing"]
    offered = forms(editor)
    assert [name for name, _ in offered] == ["switch", "logout", "create_template"]  # the header's, then Customise
    submit(client, ann, "create_template", **offered[2][1])
    own = client.get(PAGE, params={"template": "3d-printing"}).text
    assert "read-only" not in own and steps_shown(own) == steps_shown(editor)
    assert "move_step" in own and "Yours" in client.get(PAGE).text


def test_a_viewer_sees_no_editor_and_may_not_post(client, member, kiln):
    member("vic@example.com", "viewer")
    csrf = sign_in(client, "vic@example.com")
    for params in ({}, {"template": "kiln"}, {"template": "3d-printing"}):
        page = client.get(PAGE, params=params)
        assert page.status_code == 200 and "tracker_template.api" not in page.text
    assert steps_shown(client.get(PAGE, params={"template": "kiln"}).text) == ["Glaze", "Fire", "Cool"]
    for method, form in (("create_template", {"slug": "mine", "name": "Mine", "steps": "A"}),
                         ("update_template", {"slug": "kiln", "name": "X"}),
                         ("add_step", {"slug": "kiln", "name": "X"}),
                         ("remove_step", {"slug": "kiln", "step": "Fire"}),
                         ("move_step", {"slug": "kiln", "step": "Fire", "direction": "up"}),
                         ("update_step", {"slug": "kiln", "step": "Fire", "visible": "false"}),
                         ("delete_template", {"slug": "kiln"})):
        assert submit(client, csrf, method, 403, **form)["error_code"] == "no_permission"


def test_without_the_csrf_token_nothing_changes(client, kiln):
    refused = client.post(API + "remove_step", data={"slug": "kiln", "step": "Fire"})
    assert refused.status_code == 403
    assert steps_shown(client.get(PAGE, params={"template": "kiln"}).text) == ["Glaze", "Fire", "Cool"]


@pytest.mark.parametrize(("method", "form", "field"), [
    ("create_template", {"slug": "Bad Slug", "name": "X", "steps": "A"}, "slug"),
    ("create_template", {"slug": "new", "name": "X"}, "steps"),  # an empty textarea is not sent
    ("create_template", {"slug": "new", "name": "X", "steps": "A\r\na"}, "steps"),
    ("create_template", {"slug": "new", "steps": "A"}, "name"),
    ("create_template", {"slug": "new", "name": "X", "steps": "A", "strict_order": "sometimes"}, "strict_order"),
    ("update_template", {"slug": "kiln", "name": " "}, "name"),
    ("update_template", {"slug": "kiln"}, "slug"),  # nothing to change
    ("add_step", {"slug": "kiln", "name": "fire"}, "name"),
    ("add_step", {"slug": "kiln", "name": "x" * 141}, "name"),
    ("remove_step", {"slug": "kiln", "step": "Nope"}, "step"),
    ("move_step", {"slug": "kiln", "step": "Fire", "direction": "left"}, "direction"),
    ("update_step", {"slug": "kiln", "step": "Fire", "visible": "perhaps"}, "visible"),
])
def test_bad_input_answers_417_beside_its_field(client, kiln, method, form, field):
    refused = submit(client, kiln, method, 417, **form)
    assert field in refused["field_errors"], refused
    assert steps_shown(client.get(PAGE, params={"template": "kiln"}).text) == ["Glaze", "Fire", "Cool"]


def test_taken_slug_unknown_and_shared_templates(client, kiln):
    assert "slug" in submit(client, kiln, "create_template", 409, slug="kiln", name="K", steps="A")["field_errors"]
    assert submit(client, kiln, "add_step", 404, slug="nope", name="X")["error_code"] == "no_content"
    assert submit(client, kiln, "remove_step", 403, slug="3d-printing", step="Packaging")["error_code"] == "no_permission"


@pytest.mark.parametrize(("value", "status"), [
    ("Bad Slug", 417), ("x" * 81, 417), ("../etc", 417), ("ü€😀", 417), ("nope", 404), ("", 200),
])
def test_a_bad_template_in_the_query_answers_a_page_not_a_500(client, kiln, value, status):
    response = client.get(PAGE, params={"template": value})
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")


def test_sign_in_first(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={PAGE}"
