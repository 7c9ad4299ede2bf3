"""Changing a registration form: its title or whole field list, one field added, moved or removed,
the form deleted; registrations made before keep their values and can still be changed."""

from __future__ import annotations

import pytest

from doctypes.registration.forms import MAX_FORM_FIELDS
from tests.support.helpers import key_headers

API = "/api/method/doctypes.registration.api."
FORM = {"slug": "bike", "title": "Bike", "fields": [
    {"name": "frame_size", "type": "select", "options": ["S", "M"], "required": True},
    {"name": "colour", "type": "text"},
]}
JANE = {"email": "jane@example.com", "name": "Jane Buyer"}


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    assert client.post(API + "create_registration_form", json=FORM, headers=headers).status_code == 200
    return headers


def post(client, headers, method, **body):
    return client.post(API + method, json=body, headers=headers)


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [f["name"] for f in response.json()["message"]["fields"]]


def test_add_move_and_remove_a_field(client, headers):
    added = post(client, headers, "add_registration_form_field", slug="bike", name="gears", type="number",
                 required=True)
    assert names(added) == ["frame_size", "colour", "gears"]
    assert added.json()["message"]["fields"][2] == {"name": "gears", "type": "number", "required": True, "options": []}
    assert names(post(client, headers, "move_registration_form_field", slug="bike", name="gears",
                      direction="up")) == ["frame_size", "gears", "colour"]
    assert names(post(client, headers, "move_registration_form_field", slug="bike", name="frame_size",
                      direction="up")) == ["frame_size", "gears", "colour"]  # first already: nothing moves
    assert names(post(client, headers, "move_registration_form_field", slug="bike", name="colour",
                      direction="down")) == ["frame_size", "gears", "colour"]
    assert names(post(client, headers, "remove_registration_form_field", slug="bike", name="frame_size")) == [
        "gears", "colour"]
    listed = client.get(API + "list_registration_forms", headers=headers).json()["message"]
    assert [f["name"] for f in listed[0]["fields"]] == ["gears", "colour"]


def test_a_form_post_as_the_dashboard_sends_it(client, headers):
    """Choices from a textarea, one per line; a checkbox's value."""
    added = client.post(API + "add_registration_form_field", headers=headers, data={
        "slug": "bike", "name": "size", "type": "select", "required": "true", "options": "Small\r\n Large \r\n\r\n"})
    assert added.status_code == 200, added.text
    assert added.json()["message"]["fields"][-1] == {"name": "size", "type": "select", "required": True,
                                                    "options": ["Small", "Large"]}


def test_update_title_and_fields(client, headers):
    renamed = post(client, headers, "update_registration_form", slug="bike", title="  Bicycle ")
    assert renamed.json()["message"]["title"] == "Bicycle" and names(renamed) == ["frame_size", "colour"]
    replaced = post(client, headers, "update_registration_form", slug="bike", fields=[{"name": "a", "type": "date"}])
    assert names(replaced) == ["a"] and replaced.json()["message"]["title"] == "Bicycle"


@pytest.mark.parametrize("method,body,field", [
    ("add_registration_form_field", {"name": "gears", "type": "colour"}, "type"),
    ("add_registration_form_field", {"name": "2fast", "type": "text"}, "name"),
    ("add_registration_form_field", {"name": "email", "type": "text"}, "name"),  # a standard field's name
    ("add_registration_form_field", {"name": "colour", "type": "text"}, "name"),  # the form has it
    ("add_registration_form_field", {"name": "size", "type": "select"}, "options"),
    ("add_registration_form_field", {"name": "size", "type": "select", "options": ["S", "x" * 101]}, "options"),
    ("add_registration_form_field", {"name": "x", "type": "text", "required": "maybe"}, "required"),
    ("add_registration_form_field", {"slug": "Not A Slug", "name": "x", "type": "text"}, "slug"),
    ("add_registration_form_field", {"type": "text"}, "name"),
    ("move_registration_form_field", {"name": "colour", "direction": "left"}, "direction"),
    ("update_registration_form", {"fields": [{"name": "a", "type": "text"}, {"name": "a", "type": "date"}]}, "fields"),
    ("update_registration_form", {"fields": [{"name": "phone", "type": "text"}]}, "fields"),
    ("update_registration_form", {"fields": [{"name": "a", "type": "colour"}]}, "fields"),
    ("update_registration_form", {"fields": "not a list"}, "fields"),
    ("update_registration_form", {"title": " "}, "title"),
    ("delete_registration_form", {"slug": ""}, "slug"),
])
def test_bad_inputs(client, headers, method, body, field):
    response = post(client, headers, method, **{"slug": "bike", **body})
    assert response.status_code == 417, response.text
    assert field in response.json()["field_errors"]


def test_too_many_fields(client, headers):
    many = [{"name": f"f{n}", "type": "text"} for n in range(MAX_FORM_FIELDS)]
    assert post(client, headers, "update_registration_form", slug="bike", fields=[*many, {"name": "x", "type": "text"}]
                ).status_code == 417
    assert post(client, headers, "update_registration_form", slug="bike", fields=many).status_code == 200
    refused = post(client, headers, "add_registration_form_field", slug="bike", name="one_more", type="text")
    assert refused.status_code == 417 and refused.json()["error_code"] == "limit_exceeded"
    assert "fields" in refused.json()["field_errors"]


def test_unknown_form_or_field_is_404(client, headers):
    assert post(client, headers, "add_registration_form_field", slug="nope", name="x", type="text").status_code == 404
    assert post(client, headers, "remove_registration_form_field", slug="bike", name="nope").status_code == 404
    assert post(client, headers, "move_registration_form_field", slug="bike", name="nope",
                direction="up").status_code == 404
    assert post(client, headers, "update_registration_form", slug="nope", title="x").status_code == 404
    assert post(client, headers, "delete_registration_form", slug="nope").status_code == 404


def test_registrations_survive_a_changed_form(client, headers):
    made = post(client, headers, "add_registrations", registrations=[
        {**JANE, "type": "bike", "frame_size": "M", "colour": "red"}]).json()["message"]["registrations"][0]
    post(client, headers, "remove_registration_form_field", slug="bike", name="colour").raise_for_status()
    post(client, headers, "add_registration_form_field", slug="bike", name="wheels", type="number",
         required=True).raise_for_status()
    shown = client.get(API + "list_registrations", params={"form_slug": "bike"}, headers=headers).json()["message"]
    assert shown["data"][0]["fields"] == {"frame_size": "M", "colour": "red"}
    # The stored colour no longer fits the form, the missing wheels are required: a change still goes through.
    changed = post(client, headers, "update_registration", registration_id=made["id"], fields={"frame_size": "S"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["message"]["fields"] == {"frame_size": "S", "colour": "red"}
    refused = post(client, headers, "update_registration", registration_id=made["id"], fields={"colour": "blue"})
    assert refused.status_code == 417  # the field is gone: no new values for it
    # New registrations follow the form as it is now.
    assert post(client, headers, "add_registrations", registrations=[
        {**JANE, "type": "bike", "frame_size": "M"}]).status_code == 417  # wheels missing


def test_delete_a_form_only_without_registrations(client, headers):
    post(client, headers, "add_registrations", registrations=[{**JANE, "type": "bike", "frame_size": "M"}])
    in_use = post(client, headers, "delete_registration_form", slug="bike")
    assert in_use.status_code == 417 and "slug" in in_use.json()["field_errors"]
    post(client, headers, "create_registration_form", slug="spare", title="Spare").raise_for_status()
    deleted = client.delete(API + "delete_registration_form", params={"slug": "spare"}, headers=headers)
    assert deleted.json()["message"] == {"deleted": "spare"}
    assert [f["slug"] for f in client.get(API + "list_registration_forms", headers=headers).json()["message"]] == ["bike"]


def test_other_workspaces_and_the_sandbox_cannot_change_the_form(client, headers, workspace, make_workspace):
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert post(client, other, "add_registration_form_field", slug="bike", name="x", type="text").status_code == 404
        assert post(client, other, "remove_registration_form_field", slug="bike", name="colour").status_code == 404
        assert post(client, other, "delete_registration_form", slug="bike").status_code == 404
    forms = client.get(API + "list_registration_forms", headers=headers).json()["message"]
    assert [f["name"] for f in forms[0]["fields"]] == ["frame_size", "colour"]
