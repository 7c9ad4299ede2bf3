"""activate_warranty and the warranty methods: dates, customers, conflicts, events, email, tenancy."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from doctypes.email.model import EmailMessage
from doctypes.event.model import Event
from doctypes.party.model import Party
from doctypes.warranty.model import Warranty
from tests.support.helpers import key_headers, subscribe
from traciqo_rpc.db import utcnow

API = "/api/method/doctypes.warranty.api."
CUSTOMER = {"customer_name": "Jane Buyer", "customer_email": "Jane@Example.com", "customer_phone": "+31 6 1"}


@pytest.fixture
def headers(client, workspace):
    headers = key_headers(workspace)
    client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Drill", "warranty_months": 24},
                headers=headers)
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers, json={"serial_numbers": [
        {"serial_number": "SN-1", "product_id": "PRD-00001", "customer_tags": "vip"},
        {"serial_number": "SN-2", "product_id": "PRD-00001"}, {"serial_number": "LOOSE"}]})
    return headers


def activate(client, headers, serial="SN-1", **extra):
    return client.post(API + "activate_warranty", json={"serial_number": serial, **CUSTOMER, **extra}, headers=headers)


def test_activation(client, headers):
    response = activate(client, headers, purchase_date="2026-01-31")
    assert response.status_code == 200
    warranty = response.json()["message"]
    assert (warranty["serial_number"], warranty["months"], warranty["purchase_date"]) == ("SN-1", 24, "2026-01-31")
    assert (warranty["starts_on"], warranty["ends_on"], warranty["status"]) == ("2026-01-31", "2028-01-30", "active")
    assert warranty["customer"]["email"] == "jane@example.com" and warranty["customer"]["name"] == "Jane Buyer"
    serial = client.get("/api/method/doctypes.serial_number.api.get_serial_number",
                        params={"serial_number": "SN-1"}, headers=headers).json()["message"]
    assert serial["status"] == "registered" and serial["warranty"]["id"] == warranty["id"]
    assert Party.get(Party.email == "jane@example.com").tags == "vip"


def test_traciqo_alias_and_defaults(client, headers):
    response = client.post("/api/method/verilink_qr.verilink_qr.api.activate_warranty",
                           json={"serial_number": "LOOSE", "customer_name": "Bo", "customer_email": "bo@example.com"},
                           headers=headers)
    warranty = response.json()["message"]
    assert warranty["months"] == 12 and warranty["starts_on"] == utcnow().date().isoformat()


def test_the_same_customer_is_reused(client, headers):
    first = activate(client, headers).json()["message"]["customer"]["id"]
    second = activate(client, headers, "SN-2").json()["message"]["customer"]["id"]
    assert first == second
    namesake = activate(client, headers, "LOOSE", customer_email="other.jane@example.com").json()["message"]
    assert namesake["customer"]["id"] != first and "other.jane@example.com" in namesake["customer"]["name"]


def test_refusals(client, headers):
    assert activate(client, headers, "NOPE").status_code == 404
    assert activate(client, headers).status_code == 200
    again = activate(client, headers)
    assert again.status_code == 409 and again.json()["error_code"] == "duplicated"
    client.post("/api/method/doctypes.serial_number.api.void_serial_number", json={"serial_number": "SN-2"},
                headers=headers)
    void = activate(client, headers, "SN-2")
    assert void.status_code == 417 and "serial_number" in void.json()["field_errors"]
    future = (utcnow().date() + dt.timedelta(days=2)).isoformat()
    assert activate(client, headers, "LOOSE", purchase_date=future).status_code == 417


def test_product_without_warranty(client, headers):
    client.post("/api/method/doctypes.product.api.upsert_product", json={"name": "Drill", "warranty_months": 0},
                headers=headers)
    assert activate(client, headers).status_code == 417


@pytest.mark.parametrize(
    "change,field",
    [({"customer_email": "not-an-email"}, "customer_email"), ({"customer_name": " "}, "customer_name"),
     ({"serial_number": ""}, "serial_number"), ({"purchase_date": "31/01/2026"}, "purchase_date"),
     ({"customer_phone": "1" * 41}, "customer_phone"), ({"coupon": "x"}, "coupon")],
)
def test_activation_bad_inputs(client, headers, change, field):
    body = {"serial_number": "SN-1", **CUSTOMER, **change}
    response = client.post(API + "activate_warranty", json=body, headers=headers)
    assert response.status_code == 417 and field in response.json()["field_errors"]


def test_missing_fields(client, headers):
    response = client.post(API + "activate_warranty", json={}, headers=headers)
    assert set(response.json()["field_errors"]) == {"serial_number", "customer_name", "customer_email"}
    assert client.get(API + "activate_warranty", headers=headers).status_code == 405
    assert client.post(API + "activate_warranty", json={"serial_number": "SN-1", **CUSTOMER}).status_code == 403


def test_event_confirmation_email_and_reminder_day(client, headers):
    subscribe(client, headers, "Warranty Registered")
    warranty = activate(client, headers, purchase_date=(utcnow().date() - dt.timedelta(days=10)).isoformat())
    event = json.loads(bytes(Event.get(Event.name == "Warranty Registered").body))
    assert event["data"]["id"] == warranty.json()["message"]["id"]
    [confirmation] = EmailMessage.select()
    assert (confirmation.kind, confirmation.to) == ("warranty_confirmation", "jane@example.com")
    assert confirmation.send_after <= utcnow()
    # The reminder is queued on its day, to whoever owns the warranty then (test_reminders.py).
    reminder_day = dt.date.fromisoformat(warranty.json()["message"]["ends_on"]) - dt.timedelta(days=30)
    assert Warranty.get_by_id(warranty.json()["message"]["id"]).remind_on == reminder_day
    outbox = client.get("/api/method/doctypes.email.api.list_emails", params={"status": "queued"}, headers=headers)
    assert outbox.json()["message"]["total"] == 1


def test_get_list_transfer_void(client, headers):
    subscribe(client, headers)
    warranty_id = activate(client, headers).json()["message"]["id"]
    activate(client, headers, "SN-2", customer_email="max@example.com", customer_name="Max")
    by_serial = client.get(API + "get_warranty", params={"serial_number": "SN-1"}, headers=headers).json()["message"]
    assert by_serial["id"] == warranty_id and len(by_serial["owners"]) == 1
    assert client.get(API + "get_warranty", headers=headers).status_code == 417
    assert client.get(API + "get_warranty", params={"warranty_id": "x", "serial_number": "SN-1"},
                      headers=headers).status_code == 417
    assert client.get(API + "get_warranty", params={"warranty_id": "nope"}, headers=headers).status_code == 404

    jane = client.get(API + "list_warranties", params={"customer_email": "jane@example.com"}, headers=headers)
    assert [w["id"] for w in jane.json()["message"]["data"]] == [warranty_id]
    soon = (utcnow().date() + dt.timedelta(days=800)).isoformat()
    assert client.get(API + "list_warranties", params={"expiring_before": soon}, headers=headers).json()["message"]["total"] == 2
    assert client.get(API + "list_warranties", params={"status": "lost"}, headers=headers).status_code == 417

    moved = client.post(API + "transfer_warranty", headers=headers,
                        json={"warranty_id": warranty_id, "customer_name": "Kim", "customer_email": "kim@example.com"})
    owners = moved.json()["message"]["owners"]
    assert [o["email"] for o in owners] == ["jane@example.com", "kim@example.com"]
    assert owners[0]["until"] is not None and owners[1]["until"] is None
    same = client.post(API + "transfer_warranty", headers=headers,
                       json={"warranty_id": warranty_id, "customer_name": "Kim", "customer_email": "kim@example.com"})
    assert same.status_code == 417

    voided = client.post(API + "void_warranty", json={"warranty_id": warranty_id, "reason": "refund"}, headers=headers)
    assert voided.json()["message"]["status"] == "void"
    assert client.get(API + "list_warranties", params={"status": "void"}, headers=headers).json()["message"]["total"] == 1
    refused = client.post(API + "transfer_warranty", headers=headers,
                          json={"warranty_id": warranty_id, "customer_name": "Lu", "customer_email": "lu@example.com"})
    assert refused.status_code == 417
    assert {e.name for e in Event.select()} >= {"Warranty Registered", "Warranty Transferred", "Warranty Voided"}


def test_double_activation_under_concurrency(app, headers):
    from starlette.testclient import TestClient

    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda i: activate(client, headers, customer_email=f"c{i}@example.com").status_code,
                                 range(8)))
    assert sorted(statuses) == [200] + [409] * 7


def test_tenancy_and_sandbox(client, headers, workspace, make_workspace):
    warranty_id = activate(client, headers).json()["message"]["id"]
    for other in (key_headers(workspace, "sandbox"), key_headers(make_workspace("other"))):
        assert activate(client, other).status_code == 404
        assert client.get(API + "get_warranty", params={"warranty_id": warranty_id}, headers=other).status_code == 404
        assert client.get(API + "list_warranties", headers=other).json()["message"]["total"] == 0
        assert client.post(API + "void_warranty", json={"warranty_id": warranty_id}, headers=other).status_code == 404


def test_returning_customer_gets_new_phone_and_merged_tags(client, headers):
    """A second unit: the phone given now replaces the old one, the unit's tags join the old ones once."""
    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers, json={
        "serial_numbers": [{"serial_number": "SN-3", "product_id": "PRD-00001", "customer_tags": "pro,vip"}]})
    activate(client, headers)
    customer = activate(client, headers, "SN-3", customer_phone="+31 6 2").json()["message"]["customer"]
    assert customer["phone"] == "+31 6 2"
    party = Party.get(Party.email == "jane@example.com")
    assert (party.phone, party.tags) == ("+31 6 2", "vip,pro")


def test_new_customer_losing_a_name_race_takes_the_general_path(client, headers, monkeypatch):
    """The name check said free but the insert met the name (another process): still one party each."""
    from doctypes.warranty import activation

    activate(client, headers)  # Jane Buyer <jane@example.com> exists
    from traciqo_rpc.statements import tenant

    monkeypatch.setattr(activation.queries, "NAMES_TAKEN",
                        tenant("SELECT name FROM party WHERE {scope} AND name IN ({values}) AND 1 = 0"))
    namesake = activate(client, headers, "SN-2", customer_email="jane.two@example.com").json()["message"]
    assert namesake["customer"]["name"] == "Jane Buyer <jane.two@example.com>"
    assert Party.select().where(Party.name.startswith("Jane Buyer")).count() == 2


def test_one_batch_of_activations_keeps_each_rule(rt, client, headers, workspace, make_workspace):
    """activate_many, as a batch runs it: refusals in place, one warranty per unit, one party per
    email, names unique, the latest phone kept, and every workspace's own units only."""
    from doctypes.api_key.service import load_principal
    from doctypes.warranty import activation
    from doctypes.warranty.model import Warranty
    from traciqo_rpc import RequestContext

    client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers, json={
        "serial_numbers": [{"serial_number": "SN-3", "product_id": "PRD-00001", "customer_tags": "pro"}]})
    mine = RequestContext(principal=load_principal(workspace["live"]["api_key"]), services=rt.services)
    theirs = RequestContext(principal=load_principal(make_workspace("other")["live"]["api_key"]), services=rt.services)
    jane, bob = ("Jane Buyer", "jane@example.com"), ("Bob", "bob@example.com")
    subscribe(client, headers, "Warranty Registered")
    requests = [
        activation.ActivationRequest(mine, "SN-1", *jane),
        activation.ActivationRequest(mine, "SN-1", *bob),  # the same unit again: already taken
        activation.ActivationRequest(theirs, "SN-2", *bob),  # another workspace's unit: not there
        activation.ActivationRequest(mine, "SN-2", *jane, "+31 6 9"),  # Jane again: same party, new phone
        activation.ActivationRequest(mine, "SN-3", "Jane Buyer", "jane.two@example.com"),  # a namesake
        activation.ActivationRequest(mine, "SN-9", *bob),
    ]
    outcomes = rt.run_in_transaction(mine, lambda: activation.activate_many(requests))
    kinds = [type(o).__name__ if isinstance(o, Exception) else o["serial_number"] for o in outcomes]
    assert kinds == ["SN-1", "WarrantyExists", "SerialNumberNotFound", "SN-2", "SN-3", "SerialNumberNotFound"]
    first, again, namesake = outcomes[0]["customer"], outcomes[3]["customer"], outcomes[4]["customer"]
    assert first["id"] == again["id"] and (first["phone"], again["phone"]) == (None, "+31 6 9")
    assert namesake["name"] == "Jane Buyer <jane.two@example.com>"
    assert sorted((p.name, p.phone, p.tags) for p in Party.select()) == [
        ("Jane Buyer", "+31 6 9", "vip"), ("Jane Buyer <jane.two@example.com>", None, "pro")]
    assert sorted(w.party_id for w in Warranty.select()) == sorted([first["id"], first["id"], namesake["id"]])
    assert Event.select().where(Event.name == "Warranty Registered").count() == 3
    assert EmailMessage.select().where(EmailMessage.kind == "warranty_confirmation").count() == 3


def test_concurrent_activations_of_many_units(app, headers):
    """Calls that share batches: every unit once, every customer once."""
    from starlette.testclient import TestClient

    serials = [f"B-{i}" for i in range(12)]
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=12) as pool:
        client.post("/api/method/doctypes.serial_number.api.add_serial_numbers", headers=headers,
                    json={"serial_numbers": [{"serial_number": s} for s in serials]})
        responses = list(pool.map(lambda s: activate(client, headers, s, customer_email=f"{s}@example.com"), serials))
    assert [r.status_code for r in responses] == [200] * 12
    assert Party.select().count() == 12 and len({r.json()["message"]["customer"]["name"] for r in responses}) == 12
