"""Tracee's API (seeds/003) as its documentation tells integrators to call it: the key as one
X-API-Key token, bare JSON, 201 for a new tracker, 400 for what the client sent wrong, and every
path with or without the trailing slash Tracee writes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from doctypes.plan.model import Plan
from tests.support.helpers import key_headers

TRACKERS = "/api/v1/trackers"
TEMPLATES = "/api/v1/templates"
PRINTING = ["Preparing/Slicing", "3D Printing", "Post-Processing", "Quality Check", "Packaging", "Ready for Shipping"]
CREATED = {"id", "number", "name", "tracking_url", "api_url", "embed_code", "qr_code_url", "tracking_token"}
DETAIL = {"id", "name", "tracking_url", "current_process", "is_completed", "history"}  # the seed's example
STEP = {"process", "status", "started_at", "completed_at"}
START = {"process": "3D Printing", "action": "start"}


def api_key(keys: dict, environment: str = "live") -> dict[str, str]:
    """The header Tracee's examples send: X-API-Key, here `<api_key>:<api_secret>`."""
    return key_headers(keys, environment, form="x-api-key")


def token(keys: dict, environment: str = "live") -> str:
    return f"{keys[environment]['api_key']}:{keys[environment]['api_secret']}"


@pytest.fixture
def headers(workspace):
    return api_key(workspace)


def create(client, headers, slash="/", expect=201, **body) -> dict:
    response = client.post(f"{TRACKERS}{slash}", headers=headers, json={"name": "Order #1234", **body})
    assert response.status_code == expect, response.text
    return response.json()


def move(client, headers, tracker_id, process, action, slash="/", expect=200) -> dict:
    response = client.post(f"{TRACKERS}/{tracker_id}/status{slash}", headers=headers,
                           json={"process": process, "action": action})
    assert response.status_code == expect, response.text
    return response.json()


def detail(client, headers, tracker_id, slash="/") -> dict:
    response = client.get(f"{TRACKERS}/{tracker_id}{slash}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def statuses(tracker: dict) -> list[str]:
    return [step["status"] for step in tracker["history"]]


@pytest.mark.parametrize("slash", ["/", ""])
def test_create_answers_201_in_tracees_shape(client, headers, slash):
    response = client.post(f"{TRACKERS}{slash}", headers=headers,
                           json={"name": "Order #5678 - Custom Chess Set", "template": "3d-printing"})
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    tracker = response.json()
    assert set(tracker) == CREATED  # bare, no envelope
    assert isinstance(tracker["id"], int) and tracker["number"] == 1
    assert tracker["name"] == "Order #5678 - Custom Chess Set"
    assert tracker["tracking_url"].endswith(f"/track/{tracker['tracking_token']}")
    assert tracker["embed_code"].startswith("<iframe") and f"/embed/{tracker['tracking_token']}" in tracker["embed_code"]
    assert urlsplit(tracker["api_url"]).path == f"{TRACKERS}/{tracker['id']}/"
    assert tracker["qr_code_url"].startswith("http")
    # The api_url it answers is where the tracker is read.
    assert detail(client, headers, tracker["id"])["tracking_token"] == tracker["tracking_token"]


def test_the_template_is_optional(client, headers):
    tracker = create(client, headers)
    assert [step["process"] for step in detail(client, headers, tracker["id"])["history"]] == PRINTING


@pytest.mark.parametrize("slash", ["/", ""])
def test_detail_as_the_seeds_example(client, headers, slash):
    tracker_id = create(client, headers, template="3d-printing")["id"]
    fresh = detail(client, headers, tracker_id, slash)
    assert set(fresh) >= DETAIL and all(set(step) >= STEP for step in fresh["history"])
    assert (fresh["current_process"], fresh["is_completed"]) == (None, False)
    assert [step["process"] for step in fresh["history"]] == PRINTING
    assert statuses(fresh) == ["pending"] * 6 and {s["started_at"] for s in fresh["history"]} == {None}
    # The seed's example: slicing done, printing under way.
    move(client, headers, tracker_id, "Preparing/Slicing", "start")
    move(client, headers, tracker_id, "Preparing/Slicing", "complete")
    move(client, headers, tracker_id, "3D Printing", "start")
    shown = detail(client, headers, tracker_id, slash)
    assert (shown["current_process"], shown["is_completed"]) == ("3D Printing", False)
    sliced, printing = shown["history"][:2]
    assert sliced["status"] == "completed" and sliced["started_at"] <= sliced["completed_at"]
    assert sliced["completed_at"].endswith("Z")
    assert printing["status"] == "in_progress" and printing["started_at"] and printing["completed_at"] is None
    assert statuses(shown)[2:] == ["pending"] * 4


@pytest.mark.parametrize("slash", ["/", ""])
def test_status_start_and_complete_as_the_quick_start(client, headers, slash):
    tracker_id = create(client, headers, template="3d-printing")["id"]
    started = move(client, headers, tracker_id, "3D Printing", "start", slash)  # the answer is the detail
    assert started["id"] == tracker_id and started["current_process"] == "3D Printing"
    assert statuses(started) == ["pending", "in_progress", "pending", "pending", "pending", "pending"]
    completed = move(client, headers, tracker_id, "3D Printing", "complete", slash)
    assert completed["current_process"] is None and statuses(completed)[1] == "completed"
    for step in PRINTING:
        if step != "3D Printing":
            move(client, headers, tracker_id, step, "complete", slash)
    done = detail(client, headers, tracker_id)
    assert done["is_completed"] is True and statuses(done) == ["completed"] * 6


def test_qr_is_a_png_with_the_key_in_a_header_or_the_query(client, headers, workspace):
    tracker_id = create(client, headers)["id"]
    for slash in ("/", ""):
        png = client.get(f"{TRACKERS}/{tracker_id}/qr{slash}", headers=headers)
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # The seed's <img src=".../qr/?api_key=YOUR_KEY">: no header at all.
    img = client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": token(workspace)})
    assert img.status_code == 200 and img.content[:4] == b"\x89PNG"
    assert client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": "tq_live_nope:nope"}).status_code == 401
    assert client.get(f"{TRACKERS}/{tracker_id}/qr/").status_code == 403  # no key: a guest


def test_qr_url_with_its_key_fetched_by_a_client_that_sends_the_header(client, headers, workspace):
    """A server-side client keeps X-API-Key on every request; the URL the seed documents for the
    QR carries the same key again. The same credential twice is one credential."""
    tracker_id = create(client, headers)["id"]
    both = client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": token(workspace)}, headers=headers)
    assert both.status_code == 200, both.text
    other = client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": "tq_live_x:y"}, headers=headers)
    assert other.status_code == 400 and "one form" in other.json()["exception"]  # two different credentials


@pytest.mark.parametrize("slash", ["/", ""])
def test_templates_list_has_the_seeds_3d_printing_template(client, headers, slash):
    response = client.get(f"{TEMPLATES}{slash}", headers=headers)
    assert response.status_code == 200, response.text
    printing = next(t for t in response.json() if t["slug"] == "3d-printing")
    assert {key: printing[key] for key in ("slug", "name", "steps")} == {
        "slug": "3d-printing", "name": "3D Printing Workflow",
        "steps": [{"name": name, "order": order, "visible": name != "Quality Check"}
                  for order, name in enumerate(PRINTING, 1)]}


def test_a_body_that_is_not_json_is_400(client, headers):
    tracker_id = create(client, headers)["id"]
    for path in (f"{TRACKERS}/", f"{TRACKERS}/{tracker_id}/status/"):
        response = client.post(path, headers={**headers, "Content-Type": "application/json"}, content=b"{not json")
        assert response.status_code == 400, response.text


@pytest.mark.parametrize(("body", "field"), [
    ({"template": "3d-printing"}, "name"),
    ({"name": ""}, "name"),
    ({"name": "Order", "template": "no-such-template"}, "template"),
    ({"name": "Order", "template": "Not A Slug"}, "template"),
])
def test_create_schema_failures_are_400(client, headers, body, field):
    response = client.post(f"{TRACKERS}/", headers=headers, json=body)
    assert response.status_code == 400 and field in response.json()["field_errors"], response.text


@pytest.mark.parametrize(("body", "field"), [
    ({"process": "Welding", "action": "start"}, "process"),
    ({"process": "3D Printing", "action": "finish"}, "action"),
    ({"action": "start"}, "process"),
    ({"process": "3D Printing"}, "action"),
])
def test_status_schema_failures_are_400(client, headers, body, field):
    tracker_id = create(client, headers)["id"]
    response = client.post(f"{TRACKERS}/{tracker_id}/status/", headers=headers, json=body)
    assert response.status_code == 400 and field in response.json()["field_errors"], response.text
    if body.get("process") == "Welding":
        assert "3D Printing" in response.json()["field_errors"]["process"][0]  # the choices, named
    assert statuses(detail(client, headers, tracker_id)) == ["pending"] * 6


def every_route(tracker_id: int) -> list[tuple[str, str, dict | None]]:
    return [("POST", f"{TRACKERS}/", {"name": "Order"}), ("GET", f"{TRACKERS}/{tracker_id}/", None),
            ("POST", f"{TRACKERS}/{tracker_id}/status/", START), ("GET", f"{TRACKERS}/{tracker_id}/qr/", None),
            ("GET", f"{TEMPLATES}/", None)]


def test_an_unknown_or_revoked_key_is_401_on_every_route(client, headers, workspace):
    tracker_id = create(client, headers)["id"]
    made = client.post("/api/method/doctypes.api_key.api.create_api_key", headers=headers, json={"name": "shop"})
    assert made.status_code == 200, made.text
    shop = {"X-API-Key": f"{made.json()['message']['api_key']}:{made.json()['message']['api_secret']}"}
    assert client.get(f"{TRACKERS}/{tracker_id}/", headers=shop).status_code == 200
    revoked = client.post("/api/method/doctypes.api_key.api.revoke_api_key", headers=headers,
                          json={"api_key": made.json()["message"]["api_key"]})
    assert revoked.status_code == 200, revoked.text
    for key in (shop, {"X-API-Key": "tq_live_nope:nope"}, {"X-API-Key": "tk_live_abc123"}):
        for verb, path, body in every_route(tracker_id):
            assert client.request(verb, path, headers=key, json=body).status_code == 401, (key, verb, path)
    assert client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": shop["X-API-Key"]}).status_code == 401
    assert statuses(detail(client, headers, tracker_id)) == ["pending"] * 6


def test_an_unknown_tracker_is_404(client, headers):
    for verb, path, body in every_route(999)[1:4]:
        response = client.request(verb, path, headers=headers, json=body)
        assert response.status_code == 404, (verb, path, response.text)


@pytest.mark.parametrize(("verb", "path", "allow"), [
    ("GET", f"{TRACKERS}/", "POST"), ("PUT", TRACKERS, "POST"),
    ("DELETE", f"{TRACKERS}/1/", "GET"), ("PATCH", f"{TRACKERS}/1", "GET"),
    ("GET", f"{TRACKERS}/1/status/", "POST"), ("PUT", f"{TRACKERS}/1/status", "POST"),
    ("POST", f"{TRACKERS}/1/qr/", "GET"), ("POST", f"{TEMPLATES}/", "GET"),
])
def test_a_wrong_verb_is_405_with_allow(client, headers, verb, path, allow):
    response = client.request(verb, path, headers=headers)
    assert response.status_code == 405 and response.headers["allow"] == allow, response.text


def test_another_workspaces_key_gets_404_for_my_tracker_on_every_route(client, headers, make_workspace):
    theirs = make_workspace("other")
    tracker_id = create(client, headers)["id"]
    other = api_key(theirs)
    for verb, path, body in every_route(tracker_id)[1:4]:
        assert client.request(verb, path, headers=other, json=body).status_code == 404, (verb, path)
    assert client.get(f"{TRACKERS}/{tracker_id}/qr/", params={"api_key": token(theirs)}).status_code == 404
    # The path names the tracker: a tracker_id in the body never points the change elsewhere.
    their_own = create(client, other)["id"]
    aimed = client.post(f"{TRACKERS}/{tracker_id}/status/", headers=other, json={**START, "tracker_id": their_own})
    assert aimed.status_code == 404
    assert statuses(detail(client, headers, tracker_id)) == ["pending"] * 6
    assert statuses(detail(client, other, their_own)) == ["pending"] * 6
    # Their own template is theirs alone.
    client.post("/api/method/doctypes.tracker_template.api.create_template", headers=other,
                json={"slug": "their-kiln", "name": "Kiln", "steps": [{"name": "Firing"}]})
    assert "their-kiln" in [t["slug"] for t in client.get(f"{TEMPLATES}/", headers=other).json()]
    assert "their-kiln" not in [t["slug"] for t in client.get(f"{TEMPLATES}/", headers=headers).json()]


def test_a_sandbox_key_never_sees_or_changes_live_trackers(client, headers, workspace):
    sandbox = api_key(workspace, "sandbox")
    live_id = create(client, headers)["id"]
    for verb, path, body in every_route(live_id)[1:4]:
        assert client.request(verb, path, headers=sandbox, json=body).status_code == 404, (verb, path)
    assert client.get(f"{TRACKERS}/{live_id}/qr/", params={"api_key": token(workspace, "sandbox")}).status_code == 404
    assert statuses(detail(client, headers, live_id)) == ["pending"] * 6
    test_order = create(client, sandbox)
    assert test_order["number"] == 1  # numbers count per environment
    move(client, sandbox, test_order["id"], "3D Printing", "start")
    assert client.get(f"{TRACKERS}/{test_order['id']}/", headers=headers).status_code == 404
    assert statuses(detail(client, headers, live_id)) == ["pending"] * 6


def test_the_sandbox_header_holds_for_a_key_in_the_query(client, headers, workspace):
    live_id = create(client, headers)["id"]
    forced = client.get(f"{TRACKERS}/{live_id}/qr/", params={"api_key": token(workspace)},
                        headers={"X-Traciqo-Sandbox": "true"})
    assert forced.status_code == 404  # as with the key in X-API-Key


def test_sandbox_trackers_never_count_against_the_tracker_limit(client, headers, workspace):
    Plan.update(tracker_limit=2).where(Plan.name == "pro").execute()
    sandbox = api_key(workspace, "sandbox")
    for _ in range(3):
        create(client, sandbox)  # more than the limit, before any live one
    create(client, headers)
    create(client, headers)
    refused = create(client, headers, expect=400)
    assert refused["error_code"] == "limit_exceeded" and "name" in refused["field_errors"]
    assert create(client, sandbox)["number"] == 4  # the full plan does not stop the sandbox
