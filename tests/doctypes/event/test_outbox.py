"""The outbox keeps the events some enabled endpoint subscribes to, and only those."""

from __future__ import annotations

import pytest

from doctypes.event.model import Event
from doctypes.webhook.model import Delivery
from doctypes.workspace.model import Workspace
from tests.support.helpers import issue_code, key_headers, subscribe

API = "/api/method/doctypes.webhook.api."
VERIFY = "/api/method/doctypes.auth_code.api.verify_code"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


def stored(name: str | None = None) -> list[Event]:
    query = Event.select()
    return list(query if name is None else query.where(Event.name == name))


def test_events_nobody_subscribes_to_are_not_stored(client, headers):
    code = issue_code(client, headers, name="Vase")
    assert client.get(VERIFY, params={"code": code}).json()["message"]["genuine"] is True
    assert stored() == [] and Delivery.select().count() == 0


def test_only_subscribed_events_are_stored_each_with_its_deliveries(client, headers):
    scans, everything = subscribe(client, headers, "Scan Captured"), subscribe(client, headers)
    code = issue_code(client, headers, name="Vase")  # Code Created: the "*" endpoint only
    client.get(VERIFY, params={"code": code})  # Scan Captured: both
    [created], [scanned] = stored("Code Created"), stored("Scan Captured")
    deliveries = {(d.event_id, d.endpoint_id) for d in Delivery.select()}
    assert deliveries == {(created.id, everything), (scanned.id, scans), (scanned.id, everything)}


def test_disabled_endpoints_do_not_keep_events(client, headers):
    endpoint = subscribe(client, headers, "Code Created")
    update = {"webhook_id": endpoint, "enabled": False}
    assert client.post(API + "update_webhook", headers=headers, json=update).status_code == 200
    issue_code(client, headers, name="Vase")
    assert stored() == []
    assert client.post(API + "update_webhook", headers=headers,
                       json={"webhook_id": endpoint, "enabled": True}).status_code == 200
    issue_code(client, headers, batch="B2", name="Vase")
    assert len(stored("Code Created")) == 1


def test_another_workspaces_or_environments_endpoint_keeps_nothing_here(client, workspace, make_workspace):
    other = make_workspace("other")
    subscribe(client, key_headers(other), "Code Created", "Scan Captured")
    subscribe(client, key_headers(workspace, "sandbox"), "Code Created", "Scan Captured")
    code = issue_code(client, key_headers(workspace), name="Vase")  # nobody listens to this live
    client.get(VERIFY, params={"code": code})
    assert stored() == []
    issue_code(client, key_headers(workspace, "sandbox"), batch="S1", name="Vase")  # its sandbox endpoint does
    [event] = stored()
    assert (event.workspace_id, event.is_sandbox) == (Workspace.get(Workspace.name == "acme").id, True)


def test_publish_answers_ids_in_order_and_none_for_events_not_kept(rt, workspace, make_workspace):
    from doctypes.api_key.service import load_principal
    from doctypes.webhook.service import create
    from traciqo_rpc import RequestContext, publish_many

    mine = RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)
    theirs = RequestContext(principal=load_principal(make_workspace("other")["live"]["api_key"]), services=rt.services)
    rt.run_in_transaction(mine, lambda: create(mine, "http://127.0.0.1:9/x", ["Scan Captured"]))
    changes = [(mine, "scan:captured", {"n": 1}), (theirs, "scan:captured", {"n": 2}),
               (mine, "auth_code:created", {"n": 3}), (mine, "scan:captured", {"n": 4}),
               (mine, "no:such_change", {"n": 5})]
    ids = rt.run_in_transaction(mine, lambda: publish_many(changes))
    assert [event_id is not None for event_id in ids] == [True, False, False, True, False]
    assert {e.id for e in stored()} == {ids[0], ids[3]}


def test_ping_keeps_its_event_whatever_the_endpoint_subscribes_to(client, headers):
    endpoint = subscribe(client, headers, "Warranty Registered")
    pinged = client.post(API + "ping_webhook", headers=headers, json={"webhook_id": endpoint}).json()["message"]
    [event] = stored()
    assert (event.id, event.name) == (pinged["event_id"], "Ping Test")
