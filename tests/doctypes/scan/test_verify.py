"""verify_code: verdicts, scan capture, clone detection, what a guest may learn, events."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doctypes.auth_code.model import AuthCode
from doctypes.event.model import Event
from doctypes.scan import assessment
from doctypes.scan.model import Scan
from tests.support.helpers import issue_code, key_headers, subscribe

VERIFY = "/api/method/doctypes.auth_code.api.verify_code"
ATTACH = "/api/method/doctypes.scan.api.attach_location"


@pytest.fixture
def headers(workspace):
    return key_headers(workspace)


@pytest.fixture
def code(client, headers):
    return issue_code(client, headers, batch="V1", name="Blue Vase", brand="Acme Home")


def test_first_scan_is_genuine(client, code):
    result = client.get(VERIFY, params={"code": code}, headers={"User-Agent": "phone/1.0"}).json()["message"]
    assert (result["genuine"], result["status"], result["scan_count"]) == (True, "genuine", 1)
    assert result["product"] == {"name": "Blue Vase", "brand": "Acme Home", "sku": "PRD-00001", "gtin": None}
    assert result["batch"] == "V1" and result["first_scanned_at"]
    assert result["reasons"] == [] and result["sandbox"] is False


def test_later_scans_say_already_verified(client, code):
    first = client.post(VERIFY, json={"code": code}).json()["message"]
    second = client.post(VERIFY, json={"code": code.lower()}).json()["message"]
    assert (second["status"], second["genuine"], second["scan_count"]) == ("already_verified", True, 2)
    assert second["first_scanned_at"] == first["first_scanned_at"]


def test_scans_are_recorded_for_the_owner(client, headers, code):
    client.get(VERIFY, params={"code": code, "lat": 52.37, "lon": 4.9, "country": "nl"},
               headers={"User-Agent": "phone/2.0"})
    scan = Scan.get()
    assert (scan.lat, scan.lon, scan.country, scan.user_agent, scan.verdict, scan.source) == (
        52.37, 4.9, "NL", "phone/2.0", "genuine", "api")
    assert scan.ip and scan.scanned_at
    listed = client.get("/api/method/doctypes.scan.api.list_scans", headers=headers).json()["message"]
    assert listed["total"] == 1 and listed["data"][0]["code"] == code
    assert AuthCode.get().scan_count == 1


def test_scan_captured_event_in_owners_environment(client, headers, code):
    subscribe(client, headers, "Scan Captured")
    client.get(VERIFY, params={"code": code, "country": "DE"})
    event = Event.get(Event.name == "Scan Captured")
    body = json.loads(bytes(event.body))
    assert body["environment"] == "live" and event.is_sandbox is False
    assert body["data"]["code"] == code and body["data"]["verdict"] == "genuine" and body["data"]["country"] == "DE"


@pytest.mark.parametrize("text", ["ACME-0000-0000-0000-0000", "hello", "1", "ACME-9NNJ-RMK3-Y73J-7AF"])
def test_unknown_or_malformed_codes_reveal_nothing(client, code, text):
    result = client.get(VERIFY, params={"code": text}).json()["message"]
    assert result == {"genuine": False, "status": "not_genuine"}
    assert Scan.select().count() == 0


def test_a_typo_in_a_real_code_is_not_genuine(client, code):
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert client.get(VERIFY, params={"code": typo}).json()["message"]["status"] == "not_genuine"


def test_withdrawn_code(client, headers, code):
    client.post("/api/method/doctypes.auth_code.api.void_code", json={"code": code}, headers=headers)
    result = client.get(VERIFY, params={"code": code}).json()["message"]
    assert (result["genuine"], result["status"]) == (False, "withdrawn")


def test_too_many_scans_is_suspicious(make_app, settings, make_workspace):
    from starlette.testclient import TestClient

    app = make_app(settings.with_changes(max_scans_before_suspicious=2))
    keys = make_workspace("clones")
    with TestClient(app) as client:
        shown = client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": "C"},
                            headers=key_headers(keys)).json()["message"]["codes"][0]
        verdicts = [client.get(VERIFY, params={"code": shown}).json()["message"] for _ in range(3)]
    assert [v["status"] for v in verdicts] == ["genuine", "already_verified", "suspicious"]
    assert verdicts[2]["genuine"] is False
    assert "scanned 3 times" in verdicts[2]["reasons"][0]


def test_far_apart_places_in_a_short_time_are_suspicious(client, code):
    client.get(VERIFY, params={"code": code, "lat": -33.87, "lon": 151.21})  # Sydney
    paris = client.get(VERIFY, params={"code": code, "lat": 48.85, "lon": 2.35}).json()["message"]
    assert paris["status"] == "suspicious"
    assert "km apart" in paris["reasons"][0]


def test_countries_changing_within_the_hour_is_suspicious(client, code):
    client.get(VERIFY, params={"code": code, "country": "FR"})
    result = client.get(VERIFY, params={"code": code, "country": "BR"}).json()["message"]
    assert result["status"] == "suspicious"


def test_assessment_rules():
    now = dt.datetime(2026, 1, 1, 12)
    paris = assessment.Place(now, 48.85, 2.35, "FR")
    assert assessment.reasons(1, 10, paris, []) == []
    # Amsterdam by train three hours earlier is plausible.
    amsterdam = assessment.Place(now - dt.timedelta(hours=3), 52.37, 4.9, "NL")
    assert assessment.reasons(2, 10, paris, [amsterdam]) == []
    # Ten minutes earlier it is not.
    assert assessment.reasons(2, 10, paris, [assessment.Place(now - dt.timedelta(minutes=10), 52.37, 4.9, None)])
    # Short hops are GPS noise, never suspicious.
    near = assessment.Place(now - dt.timedelta(seconds=5), 48.86, 2.36, None)
    assert assessment.reasons(2, 10, paris, [near]) == []
    assert abs(assessment.distance_km(paris, amsterdam) - 430) < 5


@pytest.mark.parametrize(
    "params,field",
    [({}, "code"), ({"code": "x" * 65}, "code"), ({"code": "A", "lat": 91, "lon": 0}, "lat"),
     ({"code": "A", "lat": 1}, "lat"), ({"code": "A", "lon": 200, "lat": 0}, "lon"),
     ({"code": "A", "country": "FRA"}, "country"), ({"code": "A", "extra": 1}, "extra")],
)
def test_verify_bad_inputs(client, params, field):
    response = client.get(VERIFY, params=params)
    assert response.status_code == 417
    assert field in response.json()["field_errors"]


def test_verify_is_rate_limited_per_ip(client, code):
    statuses = {client.get(VERIFY, params={"code": "nope"}).status_code for _ in range(121)}
    assert statuses == {200, 429}


def test_guest_rate_limit_can_be_configured(make_app, settings):
    from starlette.testclient import TestClient

    # One runtime at a time: building an app binds the process's database, and a runtime still
    # at work while the next binds it can lose its transaction ("database is locked", seen once).
    limited = make_app(settings.with_changes(guest_rate_limit=2))
    with TestClient(limited) as client:
        statuses = [client.get(VERIFY, params={"code": "nope"}).status_code for _ in range(3)]
    limited.state.runtime.close()
    assert statuses == [200, 200, 429]
    with TestClient(make_app(settings.with_changes(guest_rate_limit=0))) as client:
        assert {client.get(VERIFY, params={"code": "nope"}).status_code for _ in range(130)} == {200}


def test_sandbox_codes_verify_as_test_codes(client, workspace):
    subscribe(client, key_headers(workspace, "sandbox"), "Scan Captured")
    shown = client.post("/api/method/doctypes.auth_code.api.create_code", json={"batch_name": "S"},
                        headers=key_headers(workspace, "sandbox")).json()["message"]["codes"][0]
    result = client.get(VERIFY, params={"code": shown}).json()["message"]
    assert result["sandbox"] is True and result["genuine"] is True
    assert Scan.get().is_sandbox is True
    assert Event.get(Event.name == "Scan Captured").is_sandbox is True
    live_scans = client.get("/api/method/doctypes.scan.api.list_scans", headers=key_headers(workspace)).json()
    assert live_scans["message"]["total"] == 0


def test_attach_location_rejudges_the_scan(client, code):
    client.get(VERIFY, params={"code": code, "lat": -33.87, "lon": 151.21})
    second = client.get(VERIFY, params={"code": code}).json()["message"]
    assert second["status"] == "already_verified"
    updated = client.post(ATTACH, json={"scan_token": second["scan_token"], "lat": 48.85, "lon": 2.35}).json()
    assert updated["message"]["status"] == "suspicious"
    assert Scan.select().order_by(Scan.id.desc()).get().lat == 48.85


def test_a_scan_takes_one_location_and_is_not_compared_with_itself(client, code):
    token = client.get(VERIFY, params={"code": code}).json()["message"]["scan_token"]
    first = client.post(ATTACH, json={"scan_token": token, "lat": 48.85, "lon": 2.35}).json()["message"]
    assert first == {"status": "genuine", "genuine": True, "reasons": []}  # no earlier place, not even its own
    again = client.post(ATTACH, json={"scan_token": token, "lat": -33.87, "lon": 151.21}).json()["message"]
    assert again == {"status": "genuine", "genuine": True, "reasons": []}
    assert (Scan.get().lat, Scan.get().lon) == (48.85, 2.35)  # the first location stays


def test_attach_location_bad_inputs(client, code):
    token = client.get(VERIFY, params={"code": code}).json()["message"]["scan_token"]
    assert client.post(ATTACH, json={"scan_token": token + "x", "lat": 1, "lon": 1}).status_code == 417
    assert client.post(ATTACH, json={"scan_token": token, "lat": 100, "lon": 1}).status_code == 417
    assert client.post(ATTACH, json={"lat": 1, "lon": 1}).status_code == 417
    assert client.get(ATTACH, params={"scan_token": token, "lat": 1, "lon": 1}).status_code == 405


def test_attach_location_refuses_an_expired_token(client, code, monkeypatch):
    import time

    from doctypes.scan import tokens

    token = client.get(VERIFY, params={"code": code}).json()["message"]["scan_token"]
    real_time = time.time
    monkeypatch.setattr(tokens.time, "time", lambda: real_time() + 601)
    reply = client.post(ATTACH, json={"scan_token": token, "lat": 1, "lon": 1})
    assert reply.status_code == 417 and "scan_token" in reply.json()["field_errors"]
    monkeypatch.setattr(tokens.time, "time", real_time)
    assert client.post(ATTACH, json={"scan_token": token, "lat": 1, "lon": 1}).status_code == 200


def test_list_scans_is_private(client, code, make_workspace):
    client.get(VERIFY, params={"code": code})
    assert client.get("/api/method/doctypes.scan.api.list_scans").status_code == 403
    other = key_headers(make_workspace("other"))
    assert client.get("/api/method/doctypes.scan.api.list_scans", headers=other).json()["message"]["total"] == 0
    assert client.get("/api/method/doctypes.scan.api.list_scans", params={"verdict": "odd"}, headers=other).status_code == 417


def test_no_customer_data_in_verification(client, headers, code):
    client.post("/api/method/doctypes.party.api.upsert_party",
                json={"name": "Jane Buyer", "email": "jane@example.com", "phone": "+31 6 1234"}, headers=headers)
    response = client.get(VERIFY, params={"code": code})
    assert set(response.json()["message"]) == {"genuine", "status", "code", "product", "batch", "scan_count",
                                               "first_scanned_at", "reasons", "sandbox", "scan_token"}
    assert "jane" not in response.text.lower() and "+31" not in response.text


def test_counting_a_scan_searches_indexes_only(rt, code):
    """Every table a verification reads is reached through an index: SQLite's RETURNING once
    lost the product column's affinity and scanned the whole product table per look-up."""
    from doctypes.scan import queries
    from traciqo_rpc import db

    if not db.is_sqlite():
        pytest.skip("query plans are SQLite's")
    plan = db.execute("EXPLAIN QUERY PLAN " + db.with_values(queries.COUNT_SCANS.sql, 2), ("now", "now", None, None, code, code)).fetchall()
    steps = [row[3] for row in plan]
    assert any(step.startswith("SEARCH auth_code") for step in steps)
    assert any(step.startswith("SEARCH product") for step in steps)
    assert not [step for step in steps if step.startswith("SCAN")], steps


def test_one_batch_of_scans_counts_a_repeated_code_once_per_scan(rt, client, headers, code):
    """verify_many, as a batch runs it: answers in order, a code scanned twice counts twice."""
    from doctypes.scan import service
    from traciqo_rpc import RequestContext

    other = issue_code(client, headers, batch="V2", name="Blue Vase")
    subscribe(client, headers, "Scan Captured")
    guest = RequestContext(ip="203.0.113.9", user_agent="phone/3.0", services=rt.services)
    texts = [code, "NOPE-0000-0000-0000-0000", code.lower(), other, code]
    answers = rt.run_in_transaction(guest, lambda: service.verify_many([service.ScanRequest(guest, text)
                                                                        for text in texts]), transaction=False)
    assert [(a["status"], a.get("scan_count")) for a in answers] == [
        ("genuine", 1), ("not_genuine", None), ("already_verified", 2), ("genuine", 1), ("already_verified", 3)]
    assert (answers[0]["batch"], answers[3]["batch"], answers[4]["batch"]) == ("V1", "V2", "V1")
    assert answers[3]["product"]["name"] == answers[0]["product"]["name"] == "Blue Vase"
    assert AuthCode.get(AuthCode.code == code.replace("-", "")).scan_count == 3
    scans = list(Scan.select().order_by(Scan.id))
    assert len(scans) == 4 and {s.user_agent for s in scans} == {"phone/3.0"}
    events = [json.loads(bytes(e.body))["data"] for e in Event.select().where(Event.name == "Scan Captured")]
    assert sorted(e["scan_id"] for e in events) == [s.id for s in scans]
    assert sorted(e["scan_count"] for e in events if e["code"] == code) == [1, 2, 3]


def test_concurrent_scans_of_one_code_each_count_once(client, code):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: client.get(VERIFY, params={"code": code}).json()["message"], range(32)))
    assert sorted(a["scan_count"] for a in answers) == list(range(1, 33))
    assert [a["status"] for a in answers].count("genuine") == 1
    assert Scan.select().count() == 32
