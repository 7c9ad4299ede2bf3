"""Trackers and templates (Tracee): steps in any order or strictly, history, limits, tenancy."""

from __future__ import annotations

import threading

import pytest

from tests.support.helpers import key_headers

API = "/api/method/doctypes.tracker.api."
TEMPLATES = "/api/method/doctypes.tracker_template.api."
PRINTING = ["Preparing/Slicing", "3D Printing", "Post-Processing", "Quality Check", "Packaging", "Ready for Shipping"]


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def create(client, headers, expect=200, **body):
    response = client.post(API + "create_tracker", json={"name": "Order #1", **body}, headers=headers)
    assert response.status_code == expect, response.text
    return response.json().get("message", response.json())


def status(client, headers, tracker_id, process, action, expect=200):
    response = client.post(API + "update_status", headers=headers,
                           json={"tracker_id": tracker_id, "process": process, "action": action})
    assert response.status_code == expect, response.text
    return response.json().get("message", response.json())


def test_create_answers_tracees_shape_with_the_templates_steps(client, headers):
    tracker = create(client, headers, template="3d-printing", reference="SO-1", customer_email="Ann@Example.com")
    assert set(tracker) == {"id", "number", "name", "tracking_url", "api_url", "embed_code", "qr_code_url",
                            "tracking_token"}
    token = tracker["tracking_token"]
    assert len(token) >= 16 and tracker["tracking_url"].endswith(f"/track/{token}")
    assert tracker["qr_code_url"] == tracker["tracking_url"] + "/qr.png"  # no key in it
    assert tracker["api_url"].endswith(f"/api/v1/trackers/{tracker['id']}/")
    assert f"/embed/{token}" in tracker["embed_code"] and tracker["embed_code"].startswith("<iframe")
    second = create(client, headers)
    assert (tracker["number"], second["number"]) == (1, 2)
    detail = client.get(API + "get_tracker", params={"tracker_id": tracker["id"]}, headers=headers).json()["message"]
    assert [step["process"] for step in detail["history"]] == PRINTING
    assert [step["visible"] for step in detail["history"]] == [True, True, True, False, True, True]
    assert (detail["status"], detail["current_process"], detail["is_completed"]) == ("pending", None, False)
    assert (detail["reference"], detail["customer_email"], detail["template"]) == ("SO-1", "ann@example.com",
                                                                                   "3d-printing")


def test_steps_move_in_any_order_as_tracees_clients_do(client, headers):
    tracker_id = create(client, headers, template="3d-printing")["id"]
    # Tracee's Python flow starts step 2 first; its JS flow completes step 6 with others pending.
    started = status(client, headers, tracker_id, "3D Printing", "start")
    assert (started["status"], started["current_process"]) == ("in_progress", "3D Printing")
    assert started["history"][0]["status"] == "pending"
    shipped = status(client, headers, tracker_id, "ready for shipping", "complete")  # case does not matter
    last = shipped["history"][5]
    assert last["status"] == "completed" and last["started_at"] == last["completed_at"]  # both recorded
    assert shipped["current_process"] == "3D Printing" and not shipped["is_completed"]
    status(client, headers, tracker_id, "Post-Processing", "start")
    assert status(client, headers, tracker_id, "3D Printing", "complete")["current_process"] == "Post-Processing"
    status(client, headers, tracker_id, "3D Printing", "complete", expect=409)  # twice
    status(client, headers, tracker_id, "Post-Processing", "start", expect=409)
    for step in PRINTING:
        if step not in ("3D Printing", "Ready for Shipping"):
            done = status(client, headers, tracker_id, step, "complete")
    assert done["is_completed"] and done["status"] == "completed" and done["completed_at"]
    assert done["current_process"] is None


def test_a_strict_template_keeps_its_order(client, headers):
    tracker_id = create(client, headers, template="food-preparation")["id"]
    refused = status(client, headers, tracker_id, "Cooking", "start", expect=417)
    assert "Order Received" in refused["exception"] and "process" in refused["field_errors"]
    status(client, headers, tracker_id, "Order Received", "complete")
    status(client, headers, tracker_id, "Preparing", "start")
    status(client, headers, tracker_id, "Cooking", "start", expect=417)  # Preparing is not completed yet
    status(client, headers, tracker_id, "Preparing", "complete")
    assert status(client, headers, tracker_id, "Cooking", "start")["current_process"] == "Cooking"


@pytest.mark.parametrize(("body", "field"), [
    ({"process": "Welding", "action": "start"}, "process"),
    ({"process": "3D Printing", "action": "finish"}, "action"),
    ({"process": " ", "action": "start"}, "process"),
    ({"action": "start"}, "process"),
    ({"process": "3D Printing", "action": "start", "tracker_id": "x"}, "tracker_id"),
    ({"process": "3D Printing", "action": "start", "tracker_id": 0}, "tracker_id"),
])
def test_status_bad_inputs_name_the_choices(client, headers, body, field):
    tracker_id = create(client, headers)["id"]
    response = client.post(API + "update_status", headers=headers, json={"tracker_id": tracker_id, **body})
    assert response.status_code == 417 and field in response.json()["field_errors"], response.text
    if body.get("process") == "Welding":
        assert "3D Printing" in response.json()["field_errors"]["process"][0]  # the choices, named


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "name"), ({"name": "x" * 256}, "name"), ({"template": "No Such"}, "template"),
    ({"template": "nope"}, "template"), ({"customer_email": "not-mail"}, "customer_email"),
    ({"unknown": 1}, "unknown"),
])
def test_create_bad_inputs(client, headers, body, field):
    response = client.post(API + "create_tracker", json={"name": "Order", **body}, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"], response.text


def test_missing_trackers_are_404(client, headers):
    for path, body in (("get_tracker", None), ("update_status", {"process": "3D Printing", "action": "start"}),
                       ("update_tracker", {"name": "x"}), ("delete_tracker", {}), ("get_tracker_qr", None)):
        if body is None:
            response = client.get(API + path, params={"tracker_id": 999}, headers=headers)
        else:
            response = client.post(API + path, json={"tracker_id": 999, **body}, headers=headers)
        assert response.status_code == 404, path


def test_concurrent_updates_of_one_tracker_lose_no_step(client, headers):
    tracker_id = create(client, headers, template="3d-printing")["id"]
    answers: list[int] = []

    def complete(step: str) -> None:
        response = client.post(API + "update_status", headers=headers,
                               json={"tracker_id": tracker_id, "process": step, "action": "complete"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=complete, args=(step,)) for step in PRINTING]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * len(PRINTING)
    detail = client.get(API + "get_tracker", params={"tracker_id": tracker_id}, headers=headers).json()["message"]
    assert [step["status"] for step in detail["history"]] == ["completed"] * len(PRINTING)
    assert detail["is_completed"]


def test_list_update_delete_and_qr(client, headers):
    first = create(client, headers, reference="SO-1")["id"]
    second = create(client, headers, template="repair-service")["id"]
    status(client, headers, second, "Diagnosis", "start")
    listed = client.get(API + "list_trackers", headers=headers).json()["message"]
    assert [t["id"] for t in listed["data"]] == [second, first] and listed["total"] == 2
    busy = client.get(API + "list_trackers", params={"status": "in_progress"}, headers=headers).json()["message"]
    assert [t["id"] for t in busy["data"]] == [second]
    by_ref = client.get(API + "list_trackers", params={"reference": "SO-1"}, headers=headers).json()["message"]
    assert [t["id"] for t in by_ref["data"]] == [first]
    renamed = client.post(API + "update_tracker", headers=headers,
                          json={"tracker_id": first, "name": "Order #1 - Vase", "reference": None}).json()["message"]
    assert (renamed["name"], renamed["reference"]) == ("Order #1 - Vase", None)
    assert client.post(API + "update_tracker", headers=headers, json={"tracker_id": first}).status_code == 417
    png = client.get(API + "get_tracker_qr", params={"tracker_id": first}, headers=headers)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = client.get(API + "get_tracker_qr", params={"tracker_id": first, "format": "svg"}, headers=headers)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert client.post(API + "delete_tracker", json={"tracker_id": first}, headers=headers).json() == {
        "message": {"deleted": first}}
    assert client.get(API + "get_tracker", params={"tracker_id": first}, headers=headers).status_code == 404


def test_templates_shared_and_own(client, headers):
    listed = client.get(TEMPLATES + "list_templates", headers=headers).json()["message"]
    slugs = [t["slug"] for t in listed]
    assert {"3d-printing", "manufacturing", "print-shop", "food-preparation", "repair-service"} <= set(slugs)
    printing = next(t for t in listed if t["slug"] == "3d-printing")
    assert printing["steps"][3] == {"name": "Quality Check", "order": 4, "visible": False} and printing["shared"]
    own = {"slug": "kiln", "name": "Kiln firing", "steps": [{"name": "Glazing"}, {"name": "Firing", "visible": False},
                                                            {"name": "Cooling"}], "strict_order": True}
    made = client.post(TEMPLATES + "create_template", json=own, headers=headers)
    assert made.status_code == 200 and made.json()["message"]["steps"][1]["visible"] is False
    assert client.post(TEMPLATES + "create_template", json=own, headers=headers).status_code == 409
    tracker_id = create(client, headers, template="kiln")["id"]
    # Changing the template never rewrites a tracker made from it.
    changed = client.post(TEMPLATES + "update_template", headers=headers,
                          json={"slug": "kiln", "steps": [{"name": "Drying"}], "strict_order": False})
    assert changed.json()["message"]["steps"] == [{"name": "Drying", "order": 1, "visible": True}]
    history = client.get(API + "get_tracker", params={"tracker_id": tracker_id}, headers=headers).json()["message"]
    assert [s["process"] for s in history["history"]] == ["Glazing", "Firing", "Cooling"] and history["strict_order"]
    assert client.post(TEMPLATES + "delete_template", json={"slug": "kiln"}, headers=headers).status_code == 200
    assert client.get(API + "get_tracker", params={"tracker_id": tracker_id}, headers=headers).status_code == 200
    # Shared templates are read-only; an own one of the same slug takes its place.
    assert client.post(TEMPLATES + "update_template", json={"slug": "3d-printing", "name": "X"},
                       headers=headers).status_code == 403
    client.post(TEMPLATES + "create_template", headers=headers,
                json={"slug": "3d-printing", "name": "Ours", "steps": [{"name": "Print"}]})
    assert client.get(TEMPLATES + "get_template", params={"slug": "3d-printing"}, headers=headers).json()[
        "message"]["name"] == "Ours"
    assert client.get(TEMPLATES + "get_template", params={"slug": "nope"}, headers=headers).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"slug": "Bad Slug"}, "slug"), ({"steps": []}, "steps"), ({"steps": [{"name": "A"}, {"name": "a"}]}, "steps"),
    ({"steps": [{"name": ""}]}, "steps"), ({"steps": [{"name": "A"}] * 51}, "steps"), ({"name": " "}, "name"),
])
def test_template_bad_inputs(client, headers, body, field):
    template = {"slug": "ok", "name": "OK", "steps": [{"name": "One"}], **body}
    response = client.post(TEMPLATES + "create_template", json=template, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"], response.text


def test_plan_limit_counts_live_trackers_in_progress_only(client, make_workspace):
    keys = make_workspace("small", plan="free")  # 10 trackers; free has no API access, so act as the system
    from doctypes.plan.model import Plan
    Plan.update(api_access=True, tracker_limit=2).where(Plan.name == "free").execute()
    live, sandbox = key_headers(keys), key_headers(keys, "sandbox")
    first = create(client, live)["id"]
    create(client, live)
    refused = create(client, live, expect=417)
    assert refused["error_code"] == "limit_exceeded" and "2" in refused["exception"]
    for _ in range(3):
        create(client, sandbox)  # the sandbox never counts
    for step in PRINTING:
        status(client, live, first, step, "complete")
    create(client, live)  # a completed tracker no longer counts


def test_tenancy_and_sandbox(client, workspace, make_workspace):
    mine, sandbox = key_headers(workspace), key_headers(workspace, "sandbox")
    other = key_headers(make_workspace("other"))
    tracker_id = create(client, mine)["id"]
    for headers in (other, sandbox):
        assert client.get(API + "get_tracker", params={"tracker_id": tracker_id}, headers=headers).status_code == 404
        assert client.post(API + "update_status", headers=headers, json={
            "tracker_id": tracker_id, "process": "3D Printing", "action": "start"}).status_code == 404
        assert client.get(API + "list_trackers", headers=headers).json()["message"]["total"] == 0
        assert client.post(API + "delete_tracker", json={"tracker_id": tracker_id}, headers=headers).status_code == 404
    client.post(TEMPLATES + "create_template", headers=other, json={"slug": "theirs", "name": "T", "steps": [{"name": "A"}]})
    assert client.get(TEMPLATES + "get_template", params={"slug": "theirs"}, headers=mine).status_code == 404
    assert create(client, sandbox)["number"] == 1  # numbers count per environment
    assert create(client, mine)["number"] == 2


def test_trackers_as_frappe_resources(client, headers):
    resource = "/api/resource/Tracker"
    made = client.post(resource, json={"tracker_name": "Order #9", "template": "repair-service", "reference": "R-9"},
                       headers=headers)
    assert made.status_code == 200, made.text
    doc = made.json()["data"]
    assert (doc["tracker_name"], doc["status"], doc["template"]) == ("Order #9", "pending", "repair-service")
    name = doc["name"]
    changed = client.put(f"{resource}/{name}", json={"tracker_name": "Order #9 - Phone"}, headers=headers)
    assert changed.json()["data"]["tracker_name"] == "Order #9 - Phone"
    listed = client.get(resource, params={"filters": '[["reference", "=", "R-9"]]', "fields": '["name", "number"]'},
                        headers=headers).json()["data"]
    assert listed == [{"name": name, "number": 1}]
    assert client.put(f"{resource}/{name}", json={"status": "completed"}, headers=headers).status_code == 417
    assert client.delete(f"{resource}/{name}", headers=headers).status_code == 202
    assert client.get(f"{resource}/{name}", headers=headers).status_code == 404


def test_one_batch_of_updates_keeps_each_rule(rt, client, headers, workspace, make_workspace):
    """update_many, as a batch runs it: refusals in place (nothing written for them), two updates
    of one tracker seeing each other, a strict tracker's order, and every workspace's own only."""
    from doctypes.api_key.service import load_principal
    from doctypes.tracker import moves
    from traciqo_rpc import RequestContext

    free, strict = create(client, headers)["id"], create(client, headers, template="food-preparation")["id"]
    strict_steps = [s["process"] for s in client.get(API + "get_tracker", params={"tracker_id": strict},
                                                       headers=headers).json()["message"]["history"]]
    mine = RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)
    theirs = RequestContext(principal=load_principal(make_workspace("other")["live"]["api_key"]), services=rt.services)
    updates = [
        moves.StatusUpdate(mine, free, "3d printing", "start"),
        moves.StatusUpdate(mine, free, "3D Printing", "start"),  # the first update is seen: already started
        moves.StatusUpdate(mine, free, "3D Printing", "complete"),
        moves.StatusUpdate(theirs, free, "Packaging", "start"),  # another workspace's tracker: not there
        moves.StatusUpdate(mine, free, "Gluing", "start"),
        moves.StatusUpdate(mine, strict, strict_steps[1], "start"),  # before the first completes
        moves.StatusUpdate(mine, strict, strict_steps[0], "complete"),
        moves.StatusUpdate(mine, strict, strict_steps[1], "start"),  # now in order
    ]
    outcomes = rt.run_in_transaction(mine, lambda: moves.update_many(updates))
    kinds = [type(o).__name__ if isinstance(o, Exception) else o["current_process"] for o in outcomes]
    assert kinds == ["3D Printing", "StepAlreadyThere", None, "TrackerNotFound", "UnknownProcess", "OutOfOrder",
                     None, strict_steps[1]]
    assert [s["status"] for s in outcomes[2]["history"][:3]] == ["pending", "completed", "pending"]
    detail = client.get(API + "get_tracker", params={"tracker_id": free}, headers=headers).json()["message"]
    assert detail["history"][1]["status"] == "completed" and detail["status"] == "in_progress"
    assert detail["history"][1]["started_at"] is not None and detail["current_process"] is None
    detail = client.get(API + "get_tracker", params={"tracker_id": strict}, headers=headers).json()["message"]
    assert [s["status"] for s in detail["history"][:3]] == ["completed", "in_progress", "pending"]


def test_updates_sharing_batches_lose_nothing(app, headers):
    """Many trackers moved at once over several threads: the writer's batches mix them."""
    from concurrent.futures import ThreadPoolExecutor

    from starlette.testclient import TestClient

    with TestClient(app) as client, ThreadPoolExecutor(max_workers=12) as pool:
        ids = [create(client, headers, name=f"Order {i}")["id"] for i in range(4)]
        moves = [(tracker_id, step) for tracker_id in ids for step in PRINTING]
        codes = list(pool.map(lambda m: client.post(API + "update_status", headers=headers, json={
            "tracker_id": m[0], "process": m[1], "action": "complete"}).status_code, moves))
        assert codes == [200] * len(moves)
        for tracker_id in ids:
            detail = client.get(API + "get_tracker", params={"tracker_id": tracker_id}, headers=headers).json()
            assert detail["message"]["is_completed"], detail
