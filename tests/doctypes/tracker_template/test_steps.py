"""A template's steps edited one at a time (add, remove, move, hide), and steps sent as names or
as a form's text, one a line."""

from __future__ import annotations

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.tracker_template.api."


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def post(client, headers, method, expect=200, **body):
    response = client.post(API + method, json=body, headers=headers)
    assert response.status_code == expect, response.text
    return response.json().get("message", response.json())


def names(template) -> list[str]:
    return [s["name"] if s["visible"] else s["name"] + "*" for s in template["steps"]]


@pytest.fixture
def kiln(client, headers):
    return post(client, headers, "create_template", slug="kiln", name="Kiln", steps=["Glaze", "Fire", "Cool"])


def test_steps_as_names_or_as_lines_of_text(client, headers, kiln):
    assert names(kiln) == ["Glaze", "Fire", "Cool"] and [s["order"] for s in kiln["steps"]] == [1, 2, 3]
    made = post(client, headers, "create_template", slug="mixed", name="Mixed",
                steps=[{"name": "Cut", "visible": False}, "Sew\r\n\r\n  Hem  "])
    assert names(made) == ["Cut*", "Sew", "Hem"]
    form = client.post(API + "create_template", headers=headers,
                       data={"slug": "form", "name": "Form", "steps": "A\nB\n", "strict_order": "true"})
    assert form.status_code == 200 and names(form.json()["message"]) == ["A", "B"]
    assert form.json()["message"]["strict_order"] is True
    changed = post(client, headers, "update_template", slug="form", steps="C\nD")
    assert names(changed) == ["C", "D"]


@pytest.mark.parametrize("steps", ["", "\n \n", "A\na", [""], ["A", {"name": "a"}], 5, {"name": "A"},
                                   "".join(f"S{i}\n" for i in range(51))])
def test_bad_steps_are_refused_beside_the_field(client, headers, steps):
    refused = post(client, headers, "create_template", 417, slug="bad", name="Bad", steps=steps)
    assert "steps" in refused["field_errors"], refused


def test_add_remove_move_and_hide_a_step(client, headers, kiln):
    assert names(post(client, headers, "add_step", slug="kiln", name="Inspect", visible=False)) == [
        "Glaze", "Fire", "Cool", "Inspect*"]
    assert names(post(client, headers, "move_step", slug="kiln", step="inspect", direction="up")) == [
        "Glaze", "Fire", "Inspect*", "Cool"]
    assert names(post(client, headers, "move_step", slug="kiln", step="Glaze", direction="up")) == [
        "Glaze", "Fire", "Inspect*", "Cool"]  # the first stays first
    assert names(post(client, headers, "move_step", slug="kiln", step="Glaze", direction="down")) == [
        "Fire", "Glaze", "Inspect*", "Cool"]
    assert names(post(client, headers, "update_step", slug="kiln", step="Inspect", visible=True)) == [
        "Fire", "Glaze", "Inspect", "Cool"]
    assert names(post(client, headers, "update_step", slug="kiln", step="Fire", visible=False)) == [
        "Fire*", "Glaze", "Inspect", "Cool"]
    assert names(post(client, headers, "remove_step", slug="kiln", step="GLAZE")) == ["Fire*", "Inspect", "Cool"]
    stored = client.get(API + "get_template", params={"slug": "kiln"}, headers=headers).json()["message"]
    assert names(stored) == ["Fire*", "Inspect", "Cool"]


@pytest.mark.parametrize(("method", "body", "field"), [
    ("add_step", {"name": "fire"}, "name"),  # taken, in any case
    ("add_step", {"name": " "}, "name"),
    ("add_step", {"name": "x" * 141}, "name"),
    ("add_step", {}, "name"),
    ("remove_step", {"step": "Nope"}, "step"),
    ("move_step", {"step": "Fire", "direction": "sideways"}, "direction"),
    ("move_step", {"step": "Nope", "direction": "up"}, "step"),
    ("update_step", {"step": "Fire"}, "visible"),
    ("update_step", {"step": "Fire", "visible": "maybe"}, "visible"),
    ("add_step", {"slug": "Bad Slug", "name": "X"}, "slug"),
])
def test_bad_step_changes_answer_417_naming_the_field(client, headers, kiln, method, body, field):
    refused = post(client, headers, method, 417, **{"slug": "kiln", **body})
    assert field in refused["field_errors"], refused


def test_a_template_keeps_one_step_and_at_most_fifty(client, headers):
    post(client, headers, "create_template", slug="one", name="One", steps=["Only"])
    assert "step" in post(client, headers, "remove_step", 417, slug="one", step="Only")["field_errors"]
    post(client, headers, "create_template", slug="full", name="Full", steps=[f"S{i}" for i in range(50)])
    full = post(client, headers, "add_step", 417, slug="full", name="One more")
    assert "name" in full["field_errors"] and "50" in full["exception"]


def test_shared_others_and_sandbox_templates_are_not_editable(client, headers, workspace, make_workspace, kiln):
    assert post(client, headers, "add_step", 403, slug="3d-printing", name="X")["error_code"] == "no_permission"
    for theirs in (key_headers(make_workspace("other")), key_headers(workspace, "sandbox")):
        for method, body in (("add_step", {"name": "X"}), ("remove_step", {"step": "Fire"}),
                             ("move_step", {"step": "Fire", "direction": "up"}),
                             ("update_step", {"step": "Fire", "visible": False})):
            post(client, theirs, method, 404, slug="kiln", **body)
    assert names(client.get(API + "get_template", params={"slug": "kiln"}, headers=headers).json()["message"]) == [
        "Glaze", "Fire", "Cool"]


def test_an_edit_over_steps_changed_meanwhile_is_refused_not_lost(rt, workspace, kiln):
    """Two people editing at once: the second write, made over steps it did not read, is refused."""
    from doctypes.api_key.service import load_principal
    from doctypes.tracker_template import service
    from traciqo_rpc import RequestContext

    ctx = RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)
    stale, steps = rt.run_in_transaction(ctx, lambda: service._own_steps(ctx, "kiln"))
    rt.run_in_transaction(ctx, lambda: service.add_step(ctx, "kiln", "Inspect", True))
    with pytest.raises(service.StepsChangedMeanwhile):
        rt.run_in_transaction(ctx, lambda: service._save_steps(ctx, stale, steps[1:]))
    assert names(rt.run_in_transaction(ctx, lambda: service.get_template(ctx, "kiln"))) == [
        "Glaze", "Fire", "Cool", "Inspect"]
