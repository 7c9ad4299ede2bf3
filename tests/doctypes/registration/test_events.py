"""Registration events: one per registration created, changed or deleted, none for a refused
call, each kept and delivered only in the caller's workspace and environment."""

from __future__ import annotations

import json
import time

import pytest

from doctypes.event.model import Event
from doctypes.webhook.model import Delivery
from doctypes.workspace.model import Workspace
from tests.support.helpers import deliver_until, key_headers, subscribe
from tests.support.receiver import receiver

API = "/api/method/doctypes.registration.api."
EVENTS = ("Registration Created", "Registration Updated", "Registration Deleted")
JANE = {"email": "Jane@Example.com", "name": "Jane Buyer"}
BIKE_FORM = {"slug": "bike-registration", "title": "Bike registration",
             "fields": [{"name": "frame_size", "type": "select", "options": ["S", "M", "L"], "required": True}]}


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                json={"serial_numbers": [{"serial_number": "SN-1"}, {"serial_number": "SN-2"}]})
    client.post(API + "create_registration_form", json=BIKE_FORM, headers=headers)
    return headers


def register(client, headers, *entries):
    return client.post(API + "add_registrations", json={"registrations": list(entries)}, headers=headers)


def registered(client, headers, *entries) -> list[dict]:
    response = register(client, headers, *entries)
    assert response.status_code == 200, response.text
    return response.json()["message"]["registrations"]


def payloads(name: str) -> list[dict]:
    return [json.loads(bytes(event.body)) for event in Event.select().where(Event.name == name)]


def by_id(registrations: list[dict]) -> dict[str, dict]:
    return {registration["id"]: registration for registration in registrations}


def test_the_events_can_be_subscribed_to(client, headers):
    names = client.get("/api/method/doctypes.webhook.api.list_event_types", headers=headers).json()["message"]
    assert set(EVENTS) <= set(names)


def test_every_registration_of_a_call_is_its_own_event(client, headers):
    subscribe(client, headers, *EVENTS)
    answer = registered(client, headers, {**JANE, "serial_number": "SN-1"}, {**JANE, "phone": "+1 555"},
                        {**JANE, "type": "bike-registration", "frame_size": "M", "serial_number": "SN-2"})
    events = payloads("Registration Created")
    assert len(events) == 3 and {event["environment"] for event in events} == {"live"}
    assert by_id([event["data"] for event in events]) == by_id(answer)  # the data is what the call answered
    bike = next(event["data"] for event in events if event["data"]["type"] == "bike-registration")
    assert (bike["email"], bike["serial_number"], bike["fields"]) == ("jane@example.com", "SN-2", {"frame_size": "M"})
    assert bike["warranty_id"]


def test_an_update_is_an_event_with_the_registration_as_changed(client, headers):
    subscribe(client, headers, *EVENTS)
    [registration] = registered(client, headers, {**JANE, "type": "bike-registration", "frame_size": "S"})
    changed = client.post(API + "update_registration", headers=headers,
                          json={"registration_id": registration["id"], "fields": {"frame_size": "L"}, "phone": "+44"})
    [event] = payloads("Registration Updated")
    assert event["data"] == changed.json()["message"]
    assert (event["data"]["id"], event["data"]["type"], event["data"]["phone"]) == (
        registration["id"], "bike-registration", "+44")


def test_a_deletion_is_an_event_with_the_row_as_it_was(client, headers):
    subscribe(client, headers, *EVENTS)
    registered(client, headers, {**JANE, "serial_number": "SN-1"})
    [before] = client.get(API + "get_registrations", params={"email": JANE["email"]}, headers=headers).json()["message"]
    deleted = client.post(API + "delete_registration", json={"registration_id": before["id"]}, headers=headers)
    assert deleted.json()["message"] == {"deleted": before["id"]}  # the answer is unchanged
    [event] = payloads("Registration Deleted")
    assert event["data"] == before
    assert (event["data"]["email"], event["data"]["serial_number"]) == ("jane@example.com", "SN-1")


def test_refused_calls_write_no_event(client, headers):
    subscribe(client, headers, *EVENTS)
    [kept] = registered(client, headers, {**JANE, "serial_number": "SN-1"})
    Event.delete().execute()
    Delivery.delete().execute()
    refusals = [
        (register(client, headers, JANE, {**JANE, "type": "no-such-form"}), 417),  # checked before anything is stored
        (register(client, headers, {**JANE, "type": "bike-registration", "frame_size": "XL"}), 417),
        (register(client, headers, {**JANE, "serial_number": "SN-2"}, {**JANE, "serial_number": "SN-1"}), 409),
        (client.post(API + "update_registration", headers=headers,
                     json={"registration_id": kept["id"], "fields": {"wheels": 3}}), 417),
        (client.post(API + "update_registration", json={"registration_id": "nope"}, headers=headers), 404),
        (client.post(API + "delete_registration", json={"registration_id": "nope"}, headers=headers), 404),
    ]
    assert [response.status_code for response, _ in refusals] == [status for _, status in refusals]
    assert Event.select().count() == 0 and Delivery.select().count() == 0


def test_events_stay_in_the_callers_workspace_and_environment(client, headers, workspace, make_workspace):
    sandbox, other = key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))
    subscribe(client, headers, *EVENTS)
    subscribe(client, other, *EVENTS)
    sandbox_endpoint = subscribe(client, sandbox, *EVENTS)
    [registration] = registered(client, sandbox, JANE)
    client.post(API + "update_registration", json={"registration_id": registration["id"], "phone": "+1"},
                headers=sandbox)
    for outsider in (headers, other):  # neither sees the sandbox registration, so neither changes it
        assert client.post(API + "delete_registration", json={"registration_id": registration["id"]},
                           headers=outsider).status_code == 404
    client.post(API + "delete_registration", json={"registration_id": registration["id"]}, headers=sandbox)
    acme = Workspace.get(Workspace.name == "acme").id
    assert sorted((e.name, e.workspace_id, e.is_sandbox) for e in Event.select()) == [
        (name, acme, True) for name in sorted(EVENTS)]
    assert {payload["environment"] for name in EVENTS for payload in payloads(name)} == {"sandbox"}
    assert {d.endpoint_id for d in Delivery.select()} == {sandbox_endpoint}


def test_a_subscribed_endpoint_receives_each_event(client, rt, headers):
    with receiver() as inbox:
        created = client.post("/api/method/doctypes.webhook.api.create_webhook", headers=headers,
                              json={"url": inbox.url, "events": list(EVENTS)})
        assert created.status_code == 200, created.text
        first, second = registered(client, headers, {**JANE, "serial_number": "SN-1"}, JANE)
        client.post(API + "update_registration", json={"registration_id": first["id"], "phone": "+1"}, headers=headers)
        client.post(API + "delete_registration", json={"registration_id": second["id"]}, headers=headers)
        deliver_until(rt, lambda: len(inbox.requests) == 4)
    received = sorted((r.headers["x-traciqo-event"], json.loads(r.body)["data"]["id"]) for r in inbox.requests)
    assert received == sorted([("Registration Created", first["id"]), ("Registration Created", second["id"]),
                               ("Registration Updated", first["id"]), ("Registration Deleted", second["id"])])


def test_a_sandbox_registration_reaches_only_the_sandbox_endpoint(client, rt, headers, workspace, make_workspace):
    with receiver() as live_inbox, receiver() as sandbox_inbox, receiver() as other_inbox:
        scopes = ((headers, live_inbox), (key_headers(workspace, "sandbox"), sandbox_inbox),
                  (key_headers(make_workspace("other")), other_inbox))
        for keys, inbox in scopes:
            client.post("/api/method/doctypes.webhook.api.create_webhook", headers=keys,
                        json={"url": inbox.url, "events": ["*"]})
        [registration] = registered(client, key_headers(workspace, "sandbox"), JANE)
        deliver_until(rt, lambda: sandbox_inbox.requests)
        time.sleep(0.3)  # time enough for a stray delivery to arrive
    assert live_inbox.requests == [] and other_inbox.requests == []
    [request] = sandbox_inbox.requests
    payload = json.loads(request.body)
    assert (payload["event"], payload["environment"], payload["data"]["id"]) == (
        "Registration Created", "sandbox", registration["id"])
