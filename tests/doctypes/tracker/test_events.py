"""Tracker events (the three Tracee's page announces): Tracker Created, Tracker Status Changed
with the step and the action, and Tracker Completed once, when the last step completes; kept in
the caller's environment and delivered signed like every other event."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from doctypes.event.model import Event
from tests.support.helpers import deliver_until, key_headers, subscribe
from tests.support.receiver import receiver

standardwebhooks = pytest.importorskip("standardwebhooks.webhooks", reason="standardwebhooks is not installed")

TRACKERS = "/api/v1/trackers"
EVENTS = ("Tracker Created", "Tracker Status Changed", "Tracker Completed")
PRINTING = ["Preparing/Slicing", "3D Printing", "Post-Processing", "Quality Check", "Packaging", "Ready for Shipping"]


@pytest.fixture
def headers(workspace):
    return key_headers(workspace, form="x-api-key")


def create(client, headers, **body) -> dict:
    response = client.post(f"{TRACKERS}/", headers=headers, json={"name": "Order #1234 - Blue Vase", **body})
    assert response.status_code == 201, response.text
    return response.json()


def move(client, headers, tracker_id, process, action, expect=200):
    response = client.post(f"{TRACKERS}/{tracker_id}/status/", headers=headers,
                           json={"process": process, "action": action})
    assert response.status_code == expect, response.text
    return response


def payloads(name: str) -> list[dict]:
    return [json.loads(bytes(event.body)) for event in Event.select().where(Event.name == name).order_by(Event.id)]


def changes() -> list[tuple[str, str]]:
    return [(p["data"]["process"], p["data"]["action"]) for p in payloads("Tracker Status Changed")]


def test_the_events_can_be_subscribed_to(client, headers):
    names = client.get("/api/method/doctypes.webhook.api.list_event_types", headers=headers).json()["message"]
    assert set(EVENTS) <= set(names)


def test_created_each_move_and_completed_once(client, headers):
    subscribe(client, headers, *EVENTS)
    tracker = create(client, headers, template="3d-printing")
    [made] = payloads("Tracker Created")
    assert made["environment"] == "live"
    assert {key: made["data"][key] for key in ("id", "number", "name", "tracking_url", "status", "is_completed")} == {
        key: tracker[key] for key in ("id", "number", "name", "tracking_url")} | {
        "status": "pending", "is_completed": False}
    move(client, headers, tracker["id"], "3D Printing", "start")
    [started] = payloads("Tracker Status Changed")
    assert started["data"]["id"] == tracker["id"]
    assert (started["data"]["process"], started["data"]["action"], started["data"]["current_process"]) == (
        "3D Printing", "start", "3D Printing")
    # Every step completed, the last of the workflow first: done only when the last one left completes.
    for step in reversed(PRINTING):
        assert payloads("Tracker Completed") == []
        move(client, headers, tracker["id"], step, "complete")
    assert changes() == [("3D Printing", "start"), *((step, "complete") for step in reversed(PRINTING))]
    [completed] = payloads("Tracker Completed")
    assert completed["data"]["id"] == tracker["id"] and completed["data"]["is_completed"] is True
    assert completed["data"]["status"] == "completed" and completed["data"]["current_process"] is None
    # A completed tracker stays completed: refused moves add no event, and no second Completed.
    move(client, headers, tracker["id"], "Packaging", "complete", expect=409)
    move(client, headers, tracker["id"], "Packaging", "start", expect=409)
    assert len(payloads("Tracker Completed")) == 1 and len(changes()) == 7


def test_refused_calls_write_no_event(client, headers):
    subscribe(client, headers, *EVENTS)
    tracker_id = create(client, headers)["id"]
    move(client, headers, tracker_id, "3D Printing", "start")
    Event.delete().execute()
    move(client, headers, tracker_id, "Welding", "start", expect=400)
    move(client, headers, tracker_id, "3D Printing", "finish", expect=400)
    move(client, headers, tracker_id, "3D Printing", "start", expect=409)
    move(client, headers, 999, "3D Printing", "start", expect=404)
    assert client.post(f"{TRACKERS}/", headers=headers, json={"name": "x", "template": "nope"}).status_code == 400
    assert Event.select().count() == 0


def test_sandbox_events_stay_in_the_sandbox(client, headers, workspace):
    sandbox = key_headers(workspace, "sandbox", form="x-api-key")
    subscribe(client, headers, *EVENTS)
    subscribe(client, sandbox, *EVENTS)
    tracker_id = create(client, sandbox)["id"]
    move(client, sandbox, tracker_id, "3D Printing", "start")
    assert {(e.name, e.is_sandbox) for e in Event.select()} == {("Tracker Created", True),
                                                               ("Tracker Status Changed", True)}
    assert {p["environment"] for name in EVENTS for p in payloads(name)} == {"sandbox"}


def test_a_subscribed_endpoint_receives_each_event_signed(client, rt, headers):
    # A two-step workflow of the workspace's own keeps the delivery count small.
    template = {"slug": "kiln", "name": "Kiln", "steps": [{"name": "Glazing"}, {"name": "Firing"}]}
    made = client.post("/api/method/doctypes.tracker_template.api.create_template", headers=headers, json=template)
    assert made.status_code == 200, made.text
    with receiver() as inbox:
        hook = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                           json={"url": inbox.url, "events": list(EVENTS)})
        assert hook.status_code == 200, hook.text
        secret = hook.json()["message"]["secret"]
        tracker_id = create(client, headers, template="kiln")["id"]
        move(client, headers, tracker_id, "Glazing", "start")
        move(client, headers, tracker_id, "Glazing", "complete")
        move(client, headers, tracker_id, "Firing", "complete")
        deliver_until(rt, lambda: len(inbox.requests) == 5)
    received = []
    for request in inbox.requests:
        expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(request.headers["x-traciqo-signature"], expected)
        payload = standardwebhooks.Webhook(secret).verify(request.body, request.headers)
        assert payload["event"] == request.headers["x-traciqo-event"] and payload["data"]["id"] == tracker_id
        received.append((payload["event"], payload["data"].get("process"), payload["data"].get("action")))
    assert sorted(received, key=repr) == sorted([
        ("Tracker Created", None, None),
        ("Tracker Status Changed", "Glazing", "start"),
        ("Tracker Status Changed", "Glazing", "complete"),
        ("Tracker Status Changed", "Firing", "complete"),
        ("Tracker Completed", None, None),
    ], key=repr)
